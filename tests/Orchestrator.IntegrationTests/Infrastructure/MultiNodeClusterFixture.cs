namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Three agents sharing this host's engine, each with its capacity overridden to 1 core and 1 GiB so that
/// placement decisions are visible; node-a carries the label disk=ssd and node-b holds 512 MiB back for the
/// host. Two schedulers compete, the node TTL is short so that a lost agent is noticed within seconds, and a
/// finished task's container is kept for only 5 s.
/// </summary>
public sealed class MultiNodeClusterFixture : ClusterFixtureBase
{
    public const string Ssd = "node-a";
    public const string Reserving = "node-b";

    /// <summary>Not started with the cluster: a test starts it to show a waiting task placed when room appears.</summary>
    public const string Gpu = "node-gpu";

    /// <summary>An agent started by the test that needs it, with the host volume it offers.</summary>
    public const string Certs = "node-certs";

    /// <summary>An agent started by the test that needs it, in a datacenter of its own; the others are in dc1.</summary>
    public const string EuWest = "node-eu-west";

    protected override IReadOnlyList<string> AgentNames { get; } = [Ssd, "node-b", "node-c"];

    protected override int SchedulerCount => 2;

    protected override IDictionary<string, string?> ClusterSettings() => new Dictionary<string, string?>
    {
        ["StateStore:Liveness:NodeTtl"] = "00:00:04",
        ["StateStore:Liveness:CheckInterval"] = "00:00:01",
    };

    protected override IDictionary<string, string?> AgentSettings(string name)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agent:Capacity:Cpu"] = "1",
            ["Agent:Capacity:MemoryMb"] = "1024",
            ["Agent:Capacity:DiskMb"] = "10240",
            ["Agent:ExitedContainerRetention"] = "00:00:05",
        };
        if (name == Reserving)
            settings["Agent:Reserved:MemoryMb"] = "512";
        if (name == Ssd)
            settings["Agent:Labels:disk"] = "ssd";
        if (name == Gpu)
            settings["Agent:Labels:gpu"] = "yes";
        return settings;
    }
}

[CollectionDefinition(Name)]
public sealed class MultiNodeClusterCollection : ICollectionFixture<MultiNodeClusterFixture>
{
    public const string Name = "multi-node cluster";
}
