namespace Orchestrator.Domain.Nodes;

/// <summary>
/// Decides whether the nodes whose heartbeats have gone quiet are Down, or whether the silence says more about
/// the control plane than about them. When most of the cluster falls silent at once, the likelier cause is
/// StateStore or the broker falling behind, or a network cut between them and the hosts; marking every node Down
/// would stop nothing (their containers keep running) and would move every task at once, which is exactly the
/// load that made the heartbeats late. So a mass silence is held back until it ends. Kubernetes' node lifecycle
/// controller makes the same call, stopping evictions in a zone when more than 55 % of its nodes are unready.
/// </summary>
public static class SilenceVerdict
{
    /// <summary>The share of Ready nodes that may fall silent together and still be marked Down.</summary>
    public const double DefaultMassSilenceThreshold = 0.55;

    /// <summary>So few nodes silent are always marked Down, whatever their share: losing two hosts of three is real.</summary>
    public const int AlwaysBelieved = 2;

    /// <returns>True when the silent nodes should be marked Down; false when the silence is held back.</returns>
    /// <param name="ready">Nodes Ready before this check, the silent ones included.</param>
    /// <param name="silent">Ready nodes whose last heartbeat is older than the TTL.</param>
    /// <param name="threshold">The largest believable share; 1 or more believes every silence.</param>
    public static bool MarkDown(int ready, int silent, double threshold = DefaultMassSilenceThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ready);
        ArgumentOutOfRangeException.ThrowIfNegative(silent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(silent, ready);
        if (silent <= AlwaysBelieved || threshold >= 1)
            return true;
        return silent <= ready * threshold;
    }
}
