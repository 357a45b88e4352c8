namespace Orchestrator.Domain.Nodes;

/// <summary>
/// A node's name on the broker: its agent's queue, and the broker user of an agent given a user of its own
/// (<c>deploy/rabbitmq/add-agent-user.sh</c>), are both <c>agent-</c> and the node's id in 32 hex digits. So the
/// user a report arrives under says which node may have sent it.
/// </summary>
public static class AgentIdentity
{
    public const string Prefix = "agent-";

    public static string Of(Guid nodeId) => $"{Prefix}{nodeId:N}";

    /// <summary>The node a broker user belongs to, if it is an agent's own user.</summary>
    public static bool TryParse(string? user, out Guid nodeId)
    {
        nodeId = Guid.Empty;
        return user is { Length: 38 } && user.StartsWith(Prefix, StringComparison.Ordinal)
            && Guid.TryParseExact(user.AsSpan(Prefix.Length), "N", out nodeId);
    }

    /// <summary>
    /// Why a report about <paramref name="nodeId"/> is refused, or null if it is accepted, given the broker user it
    /// was published under (the AMQP user-id, which the broker checks against the connection's user):
    /// <list type="bullet">
    /// <item>an agent's own user may report only about its own node;</item>
    /// <item>any other user (the services' own, or an agent sharing theirs) may report about any node: holding that
    /// user's password is holding the cluster's;</item>
    /// <item>a report that names no user is refused, since anyone may leave the user out, unless
    /// <paramref name="acceptUnstamped"/> (while agents older than the check are still being upgraded).</item>
    /// </list>
    /// </summary>
    public static string? RefusalOf(string? sender, Guid nodeId, bool acceptUnstamped)
    {
        if (string.IsNullOrEmpty(sender))
            return acceptUnstamped ? null : "it names no broker user";
        if (TryParse(sender, out var own) && own != nodeId)
            return $"it came from broker user {sender}, node {own}'s own";
        return null;
    }
}
