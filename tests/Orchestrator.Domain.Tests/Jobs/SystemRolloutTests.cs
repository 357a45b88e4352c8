using Orchestrator.Domain.Jobs;

namespace Orchestrator.Domain.Tests.Jobs;

public sealed class SystemRolloutTests
{
    private static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid(), C = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static SystemTask Task(Guid node, int revision = 1, bool running = true, bool live = true, int age = 0) =>
        new(Guid.NewGuid(), node, revision, running, live, T0.AddSeconds(-age));

    [Fact]
    public void Every_eligible_node_without_a_task_gets_one()
    {
        var plan = SystemRollout.Plan(1, [A, B, C], [], [Task(A)]);
        Assert.Equal(new[] { B, C }.Order(), plan.Start.Order());
        Assert.Empty(plan.Stop);
    }

    [Fact]
    public void A_task_on_a_node_no_longer_eligible_is_stopped_but_one_on_a_down_node_waits_there()
    {
        var drained = Task(B);
        var lost = Task(C, running: false);
        var plan = SystemRollout.Plan(1, [A], [C], [Task(A), drained, lost]);
        Assert.Equal([drained.Id], plan.Stop);
        Assert.Empty(plan.Start);
    }

    [Fact]
    public void A_node_whose_task_is_being_stopped_gets_its_next_only_after()
    {
        var plan = SystemRollout.Plan(1, [A], [], [Task(A, live: false)]);
        Assert.Empty(plan.Start);
    }

    [Fact]
    public void A_new_revision_replaces_one_node_at_a_time_while_the_others_serve()
    {
        var oldA = Task(A, age: 20);
        var oldB = Task(B, age: 10);
        var first = SystemRollout.Plan(2, [A, B], [], [oldA, oldB]);
        Assert.Equal([oldA.Id], first.Stop);

        // A's old task is stopping: nothing else moves until it has ended and A's new task serves.
        var stopping = SystemRollout.Plan(2, [A, B], [], [oldA with { Live = false }, oldB]);
        Assert.Empty(stopping.Stop);
        Assert.Empty(stopping.Start);
        var starting = SystemRollout.Plan(2, [A, B], [], [Task(A, revision: 2, running: false), oldB]);
        Assert.Empty(starting.Stop);
        var next = SystemRollout.Plan(2, [A, B], [], [Task(A, revision: 2), oldB]);
        Assert.Equal([oldB.Id], next.Stop);
    }

    [Fact]
    public void An_old_task_that_does_not_serve_is_replaced_at_once()
    {
        var broken = Task(B, running: false);
        var plan = SystemRollout.Plan(2, [A, B], [], [Task(A), broken]);
        Assert.Equal([broken.Id], plan.Stop);
    }

    [Fact]
    public void Two_tasks_on_one_node_keep_the_current_serving_one()
    {
        var current = Task(A, revision: 2);
        var old = Task(A, revision: 1);
        var plan = SystemRollout.Plan(2, [A], [], [old, current]);
        Assert.Equal([old.Id], plan.Stop);
    }
}
