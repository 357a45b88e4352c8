namespace Orchestrator.WorkerAgent.Host;

/// <summary>
/// Who this agent is. The id is kept in the data directory, so a restarted agent is the same node and
/// re-adopts its containers.
/// </summary>
/// <param name="Address">Where other hosts reach the node's published ports (<see cref="NodeAddress"/>).</param>
public sealed record NodeIdentity(Guid Id, string Name, string? Address = null)
{
    private const string IdFileName = "node-id";

    /// <summary>
    /// The id kept in the data directory; on the first start, <see cref="AgentOptions.NodeId"/> or a new one. An
    /// assigned id that differs from the kept one stops the start: the host's containers carry the kept id, and its
    /// broker credentials may reach only the assigned one's queue.
    /// </summary>
    public static NodeIdentity LoadOrCreate(AgentOptions options)
    {
        Directory.CreateDirectory(options.DataPath);
        var path = Path.Combine(options.DataPath, IdFileName);
        Guid? kept = File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var read) ? read : null;
        if (kept is { } existing && options.NodeId is { } assigned && assigned != existing)
            throw new InvalidOperationException(
                $"Agent:NodeId is {assigned}, but {path} says this host is node {existing}. Set Agent:NodeId to {existing} " +
                "(and give the agent that node's broker credentials), or remove the file to make the host a new node " +
                "(its running containers stay with the old id, and the old node is marked Down).");
        var id = kept ?? options.NodeId ?? Guid.NewGuid();
        if (kept is null)
            File.WriteAllText(path, id.ToString());
        var name = string.IsNullOrWhiteSpace(options.NodeName) ? Environment.MachineName : options.NodeName;
        return new NodeIdentity(id, name, NodeAddress.Of(options));
    }
}
