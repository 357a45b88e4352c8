namespace Orchestrator.WorkerAgent.Host;

/// <summary>
/// Who this agent is. The id is kept in the data directory, so a restarted agent is the same node and
/// re-adopts its containers.
/// </summary>
public sealed record NodeIdentity(Guid Id, string Name)
{
    private const string IdFileName = "node-id";

    public static NodeIdentity LoadOrCreate(AgentOptions options)
    {
        Directory.CreateDirectory(options.DataPath);
        var path = Path.Combine(options.DataPath, IdFileName);
        if (!File.Exists(path) || !Guid.TryParse(File.ReadAllText(path).Trim(), out var id))
        {
            id = Guid.NewGuid();
            File.WriteAllText(path, id.ToString());
        }
        var name = string.IsNullOrWhiteSpace(options.NodeName) ? Environment.MachineName : options.NodeName;
        return new NodeIdentity(id, name);
    }
}
