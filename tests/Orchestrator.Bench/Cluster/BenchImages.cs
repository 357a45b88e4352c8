namespace Orchestrator.Bench.Cluster;

/// <summary>The images deploy/local/prepare.sh builds; no registry is reachable, so nothing is pulled.</summary>
public static class BenchImages
{
    public const string Postgres = "orchestrator/postgres:15";
    public const string RabbitMq = "orchestrator/rabbitmq:3";
    public const string Workload = "orchestrator/busybox:latest";
}
