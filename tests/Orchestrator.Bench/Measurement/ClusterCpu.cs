using Docker.DotNet;
using Docker.DotNet.Models;

namespace Orchestrator.Bench.Measurement;

/// <summary>
/// CPU time the cluster has used: this process (the services, the simulated agents and the harness) and the
/// Postgres and RabbitMQ containers (the engine's own count for each). Two readings apart give what a window cost.
/// It counts only the cluster's own processes, where the rate also moves with whatever else the machine runs; it
/// still varies from run to run with how the work batches, and includes the heartbeats' steady cost, spread over
/// the window's tasks.
/// </summary>
public sealed record ClusterCpu(TimeSpan Process, TimeSpan Postgres, TimeSpan RabbitMq)
{
    public TimeSpan Total => Process + Postgres + RabbitMq;

    public static ClusterCpu operator -(ClusterCpu after, ClusterCpu before) =>
        new(after.Process - before.Process, after.Postgres - before.Postgres, after.RabbitMq - before.RabbitMq);

    public static async Task<ClusterCpu> ReadAsync(IDockerClient docker, string postgresId, string rabbitMqId, CancellationToken cancellationToken)
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var process = self.TotalProcessorTime;
        return new ClusterCpu(
            process,
            await ContainerAsync(docker, postgresId, cancellationToken),
            await ContainerAsync(docker, rabbitMqId, cancellationToken));
    }

    /// <summary>"12.3 ms a task (this process 8.1, RabbitMQ 3.0, Postgres 1.2)".</summary>
    public string PerTask(int tasks) => tasks == 0
        ? "no task"
        : $"{Ms(Total) / tasks:F1} ms a task (this process {Ms(Process) / tasks:F1}, RabbitMQ {Ms(RabbitMq) / tasks:F1}, Postgres {Ms(Postgres) / tasks:F1})";

    private static double Ms(TimeSpan time) => time.TotalMilliseconds;

    private static async Task<TimeSpan> ContainerAsync(IDockerClient docker, string id, CancellationToken cancellationToken)
    {
        var reading = new LastReading();
        await docker.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false, OneShot = true }, reading, cancellationToken);
        var nanoseconds = reading.Stats?.CPUStats?.CPUUsage?.TotalUsage
            ?? throw new InvalidOperationException($"The engine reported no CPU usage for container {id}.");
        return TimeSpan.FromTicks((long)(nanoseconds / 100));
    }

    /// <summary>Keeps the reading on the caller's thread: <see cref="Progress{T}"/> would post it for later.</summary>
    private sealed class LastReading : IProgress<ContainerStatsResponse>
    {
        public ContainerStatsResponse? Stats { get; private set; }

        public void Report(ContainerStatsResponse value) => Stats = value;
    }
}
