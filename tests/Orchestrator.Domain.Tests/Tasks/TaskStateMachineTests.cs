using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class TaskStateMachineTests
{
    // Written out by hand from the moves StateStore makes (Cube's table with restarts in place, Running -> Running,
    // instead of through Scheduled; plus cancellation, Pending/Scheduled -> Completed, and a lost or drained node,
    // Scheduled/Running -> Pending, and a Pending task let go of the node holding its volumes, Pending -> Pending), so
    // that the test does not restate the implementation's table.
    private static readonly HashSet<(TaskState From, TaskState To)> Expected =
    [
        (TaskState.Pending, TaskState.Scheduled),
        (TaskState.Pending, TaskState.Completed),
        (TaskState.Pending, TaskState.Pending),
        (TaskState.Scheduled, TaskState.Scheduled),
        (TaskState.Scheduled, TaskState.Running),
        (TaskState.Scheduled, TaskState.Completed),
        (TaskState.Scheduled, TaskState.Failed),
        (TaskState.Scheduled, TaskState.Pending),
        (TaskState.Running, TaskState.Running),
        (TaskState.Running, TaskState.Completed),
        (TaskState.Running, TaskState.Failed),
        (TaskState.Running, TaskState.Pending),
    ];

    public static TheoryData<TaskState, TaskState> AllowedPairs() => Pairs(allowed: true);

    public static TheoryData<TaskState, TaskState> ForbiddenPairs() => Pairs(allowed: false);

    private static TheoryData<TaskState, TaskState> Pairs(bool allowed)
    {
        var data = new TheoryData<TaskState, TaskState>();
        foreach (var from in Enum.GetValues<TaskState>())
        foreach (var to in Enum.GetValues<TaskState>())
            if (Expected.Contains((from, to)) == allowed)
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedPairs))]
    public void Allowed_transition_is_applied(TaskState from, TaskState to)
    {
        Assert.True(TaskStateMachine.CanTransition(from, to));
        Assert.Equal(to, TaskStateMachine.Transition(from, to));
    }

    [Theory]
    [MemberData(nameof(ForbiddenPairs))]
    public void Forbidden_transition_is_refused_with_both_states_named(TaskState from, TaskState to)
    {
        Assert.False(TaskStateMachine.CanTransition(from, to));
        var error = Assert.Throws<InvalidTaskTransitionException>(() => TaskStateMachine.Transition(from, to));
        Assert.Equal(from, error.From);
        Assert.Equal(to, error.To);
        Assert.Contains(from.ToString(), error.Message);
        Assert.Contains(to.ToString(), error.Message);
    }

    [Fact]
    public void Completed_and_Failed_are_the_only_states_with_no_way_out()
    {
        var deadEnds = Enum.GetValues<TaskState>().Where(s => TaskStateMachine.NextStates(s).Count == 0);
        Assert.Equal([TaskState.Completed, TaskState.Failed], deadEnds);
        Assert.Equal([TaskState.Completed, TaskState.Failed], TaskStateMachine.TerminalStates);
    }

    [Theory]
    [InlineData(TaskState.Completed, true)]
    [InlineData(TaskState.Failed, true)]
    [InlineData(TaskState.Pending, false)]
    [InlineData(TaskState.Scheduled, false)]
    [InlineData(TaskState.Running, false)]
    public void Terminal_states_are_Completed_and_Failed(TaskState state, bool terminal) =>
        Assert.Equal(terminal, TaskStateMachine.IsTerminal(state));
}
