using Orchestrator.Contracts;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The driver contract between the agent and whatever runs its containers: start, wait, stop, list. Docker is
/// one implementation; a simulated runtime fits the same seam.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>Creates and starts the container of this attempt, or returns the one that already exists.</summary>
    Task<ContainerStatus> StartAsync(StartTask command, CancellationToken cancellationToken);

    /// <summary>Waits until the container exits.</summary>
    Task<ContainerExit> WaitAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>Stops (SIGTERM, then SIGKILL after <paramref name="timeout"/>) and removes the attempt's container; null if there was none.</summary>
    Task<ContainerExit?> StopAsync(Guid taskId, int attempt, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Every container this node's agent owns, running or not.</summary>
    Task<IReadOnlyList<ContainerReport>> ListAsync(CancellationToken cancellationToken);
}

public sealed record ContainerStatus(string ContainerId, IReadOnlyList<PortBinding> Ports, DateTimeOffset StartedAt, ContainerExit? Exit);

public sealed record ContainerExit(string ContainerId, long ExitCode, bool OomKilled, DateTimeOffset FinishedAt);

/// <summary>A container could not be created or started; the message says why, for the task's history.</summary>
public sealed class ContainerStartException(string message, Exception? inner = null) : Exception(message, inner);
