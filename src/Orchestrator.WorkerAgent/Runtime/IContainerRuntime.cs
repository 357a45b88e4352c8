using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The driver contract between the agent and whatever runs its containers: start, wait, restart, stop, list,
/// logs. Docker is one implementation; a simulated runtime fits the same seam. It takes and returns its own types
/// (<see cref="ContainerLaunch"/>, <see cref="ContainerLogs"/>), never a bus message: the consumers translate.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>
    /// Creates and starts the container of this attempt, or returns the one that already exists. Steps worth a
    /// line in the task's history (an image pull) are told to <paramref name="reportStep"/>.
    /// </summary>
    Task<ContainerStatus> StartAsync(ContainerLaunch launch, Func<string, Task> reportStep, CancellationToken cancellationToken);

    /// <summary>Waits until the container exits, and reads the end of its output.</summary>
    Task<ContainerExit> WaitAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>Starts an exited container again, keeping its logs.</summary>
    Task RestartAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>Stops a container without removing it (SIGTERM, then SIGKILL after <paramref name="timeout"/>).</summary>
    Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Stops and removes the attempt's container, reading the end of its output first; null if there was none.</summary>
    Task<ContainerExit?> StopAsync(Guid taskId, int attempt, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Removes a container at once, whatever its state.</summary>
    Task RemoveAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>Every container this node's agent owns, running or not.</summary>
    Task<IReadOnlyList<OwnedContainer>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The address a health probe reaches the container's ports on.</summary>
    Task<string> ProbeAddressAsync(string containerId, CancellationToken cancellationToken);

    /// <summary>
    /// The output of the task's latest container on this node, stdout and stderr in the order written: the lines after
    /// <paramref name="since"/> (the last <paramref name="tail"/> of them, if given), at most <paramref name="limitBytes"/>.
    /// </summary>
    Task<ContainerLogs> LogsAsync(Guid taskId, int? tail, DateTimeOffset? since, int limitBytes, CancellationToken cancellationToken);
}

public sealed record ContainerStatus(string ContainerId, IReadOnlyList<PortBinding> Ports, DateTimeOffset StartedAt, ContainerExit? Exit);

/// <param name="StartedAt">When the run that ended began, as the engine recorded it (each restart begins a new run).</param>
/// <param name="Output">The end of the container's output at the exit, when it was read (by a wait or a stop).</param>
public sealed record ContainerExit(
    string ContainerId, long ExitCode, bool OomKilled, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, OutputTail? Output = null)
{
    /// <summary>How long the container ran before this exit: the engine's own times, so also right for a container adopted mid-run.</summary>
    public TimeSpan RanFor => FinishedAt - StartedAt;
}

/// <summary>
/// A container found by its labels, with the spec it was started with when the labels carry it, and the host ports
/// the engine bound for it.
/// </summary>
public sealed record OwnedContainer(
    Guid TaskId, int Attempt, string ContainerId, bool Running, long? ExitCode, TaskSpec? Spec,
    IReadOnlyList<PortBinding>? Ports = null);

/// <summary>A container could not be created or started; the message says why, for the task's history.</summary>
public sealed class ContainerStartException(string message, Exception? inner = null) : Exception(message, inner);
