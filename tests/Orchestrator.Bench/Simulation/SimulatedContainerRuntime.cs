using System.Collections.Concurrent;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.Bench.Simulation;

/// <summary>
/// A hollow node's engine, in the manner of kubemark: containers "start" after a fixed delay and run until they
/// are stopped, and nothing else happens. It honours the agent's driver contract, so the agent's own consumers,
/// supervisor and heartbeat run on top of it unchanged.
/// </summary>
public sealed class SimulatedContainerRuntime(TimeSpan startDelay, TimeProvider clock) : IContainerRuntime
{
    // A SIGTERM'd process exits 128 + 15.
    private const long StoppedExitCode = 143;

    private readonly ConcurrentDictionary<string, SimulatedContainer> _containers = new();

    public int Count => _containers.Count;

    public async Task<ContainerStatus> StartAsync(ContainerLaunch launch, Func<string, Task> reportStep, CancellationToken cancellationToken)
    {
        if (Find(launch.TaskId, launch.Attempt) is { } existing)
            return existing.Status();
        if (startDelay > TimeSpan.Zero)
            await Task.Delay(startDelay, clock, cancellationToken);
        var container = new SimulatedContainer(launch.TaskId, launch.Attempt, Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), launch.Spec);
        container.Run(clock.GetUtcNow());
        return _containers.GetOrAdd(container.Id, container).Status();
    }

    public async Task<ContainerExit> WaitAsync(string containerId, CancellationToken cancellationToken) =>
        await Get(containerId).Exited.WaitAsync(cancellationToken);

    public Task RestartAsync(string containerId, CancellationToken cancellationToken)
    {
        Get(containerId).Run(clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Get(containerId).Exit(StoppedExitCode, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<ContainerExit?> StopAsync(Guid taskId, int attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Find(taskId, attempt) is not { } container)
            return Task.FromResult<ContainerExit?>(null);
        var exit = container.Exit(StoppedExitCode, clock.GetUtcNow());
        _containers.TryRemove(container.Id, out _);
        return Task.FromResult<ContainerExit?>(exit);
    }

    public Task RemoveAsync(string containerId, CancellationToken cancellationToken)
    {
        if (_containers.TryRemove(containerId, out var container))
            container.Exit(StoppedExitCode, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OwnedContainer>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OwnedContainer>>(_containers.Values.Select(c => c.Owned()).ToList());

    public Task<string> ProbeAddressAsync(string containerId, CancellationToken cancellationToken) => Task.FromResult("127.0.0.1");

    public Task<ContainerLogs> LogsAsync(Guid taskId, int? tail, DateTimeOffset? since, int limitBytes, CancellationToken cancellationToken)
    {
        var latest = _containers.Values.Where(c => c.TaskId == taskId).MaxBy(c => c.Attempt);
        return Task.FromResult(new ContainerLogs(latest is not null, "", since, latest?.Running ?? false));
    }

    private SimulatedContainer? Find(Guid taskId, int attempt) =>
        _containers.Values.FirstOrDefault(c => c.TaskId == taskId && c.Attempt == attempt);

    private SimulatedContainer Get(string containerId) =>
        _containers.TryGetValue(containerId, out var container)
            ? container
            : throw new InvalidOperationException($"No simulated container {containerId}.");

    private sealed class SimulatedContainer(Guid taskId, int attempt, string id, TaskSpec spec)
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource<ContainerExit> _exit = NewExit();
        private DateTimeOffset _startedAt;
        private long? _exitCode;

        public Guid TaskId { get; } = taskId;
        public int Attempt { get; } = attempt;
        public string Id { get; } = id;

        public bool Running
        {
            get { lock (_gate) return !_exit.Task.IsCompleted; }
        }

        public Task<ContainerExit> Exited
        {
            get { lock (_gate) return _exit.Task; }
        }

        public void Run(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_exit.Task.IsCompleted)
                    _exit = NewExit();
                _startedAt = now;
                _exitCode = null;
            }
        }

        public ContainerExit Exit(long exitCode, DateTimeOffset now)
        {
            lock (_gate)
            {
                _exitCode ??= exitCode;
                _exit.TrySetResult(new ContainerExit(Id, _exitCode.Value, OomKilled: false, _startedAt, now));
                return _exit.Task.Result;
            }
        }

        /// <summary>Host ports are reported as asked; a simulated node binds nothing.</summary>
        public ContainerStatus Status()
        {
            lock (_gate)
            {
                var ports = spec.PortsOrEmpty.Select(p => new PortBinding(p.ContainerPort, p.HostPort, p.Protocol)).ToList();
                return new ContainerStatus(Id, ports, _startedAt, _exit.Task.IsCompleted ? _exit.Task.Result : null);
            }
        }

        public OwnedContainer Owned()
        {
            lock (_gate)
                return new OwnedContainer(TaskId, Attempt, Id, !_exit.Task.IsCompleted, _exitCode, spec);
        }

        private static TaskCompletionSource<ContainerExit> NewExit() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
