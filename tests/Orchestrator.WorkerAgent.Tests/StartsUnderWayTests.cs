using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>
/// The starts the heartbeat lists as under way, so that StateStore does not take a slow start (an image pull) for a
/// StartTask that never arrived; no engine, no bus: a start mark touches neither.
/// </summary>
public sealed class StartsUnderWayTests
{
    private static TaskSupervisor Supervisor() => new(
        runtime: null!, restarts: null!, prober: null!, bus: null!, new NodeIdentity(Guid.NewGuid(), "node-1"), TimeProvider.System,
        lifetime: null!, NullLogger<TaskSupervisor>.Instance);

    [Fact]
    public async Task A_start_is_listed_from_its_mark_until_it_ends()
    {
        var supervisor = Supervisor();
        var (task, other) = (Guid.NewGuid(), Guid.NewGuid());

        using (await supervisor.StartingAsync(task, 1, CancellationToken.None))
        using (await supervisor.StartingAsync(other, 2, CancellationToken.None))
            Assert.Equal(
                new[] { new TaskAttempt(task, 1), new TaskAttempt(other, 2) }.OrderBy(a => a.TaskId),
                supervisor.StartsUnderWay().OrderBy(a => a.TaskId));

        Assert.Empty(supervisor.StartsUnderWay());
    }

    [Fact]
    public async Task A_second_copy_of_the_command_waits_for_the_first_start_of_the_attempt_to_end()
    {
        var supervisor = Supervisor();
        var task = Guid.NewGuid();
        var first = await supervisor.StartingAsync(task, 1, CancellationToken.None);

        var second = supervisor.StartingAsync(task, 1, CancellationToken.None);

        Assert.False(second.IsCompleted);
        Assert.Equal([new TaskAttempt(task, 1)], supervisor.StartsUnderWay());
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Empty(supervisor.StartsUnderWay());
    }

    [Fact]
    public async Task Starts_of_other_attempts_do_not_wait_for_each_other()
    {
        var supervisor = Supervisor();
        var task = Guid.NewGuid();
        using var first = await supervisor.StartingAsync(task, 1, CancellationToken.None);

        var next = supervisor.StartingAsync(task, 2, CancellationToken.None);

        Assert.True(next.IsCompletedSuccessfully);
        (await next).Dispose();
    }
}
