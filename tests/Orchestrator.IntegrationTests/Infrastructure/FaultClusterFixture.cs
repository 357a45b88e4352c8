using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// One agent, node "fault-node", on a broker and a database that tests restart under it: their ports survive a
/// restart, and the node TTL is short (4 s), so that a cluster that blamed the node for its own outage would say so
/// within the test.
/// </summary>
public sealed class FaultClusterFixture : ClusterFixtureBase
{
    public NodeIdentity Node => Nodes[0];

    protected override IReadOnlyList<string> AgentNames { get; } = ["fault-node"];

    protected override bool KeepsPortsAcrossRestarts => true;

    protected override IDictionary<string, string?> ClusterSettings() => new Dictionary<string, string?>
    {
        ["StateStore:Liveness:NodeTtl"] = "00:00:04",
        ["StateStore:Liveness:CheckInterval"] = "00:00:01",
        // Longer than a slow agent's return after a restart of every service (the restart test), shorter than any wait.
        ["StateStore:Liveness:StartupGrace"] = "00:00:20",
        // A lost report is stood in for by the heartbeat after this long (a minute by default).
        ["StateStore:Liveness:ReportGrace"] = "00:00:10",
        // A StartTask missing from the node's heartbeats is sent again after this long (30 s by default).
        ["StateStore:Liveness:StartGrace"] = "00:00:05",
        ["StateStore:Liveness:MaxStartResends"] = "3",
        // A backlog small enough for a test to fill with tasks no node can take.
        ["StateStore:Admission:MaxPending"] = "3",
        ["StateStore:Admission:RetryAfter"] = "00:00:02",
    };
}

[CollectionDefinition(Name)]
public sealed class FaultClusterCollection : ICollectionFixture<FaultClusterFixture>
{
    public const string Name = "fault cluster";
}
