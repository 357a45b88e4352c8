namespace Orchestrator.Domain.Tasks;

/// <summary>
/// The only way a task's state changes. Cube's transitions, plus two of our own: cancellation (a Pending or
/// Scheduled task that the user stops ends Completed without ever running), and a return to Pending when the
/// task's node is lost or drained, so that it is placed again.
/// </summary>
public static class TaskStateMachine
{
    private static readonly IReadOnlyDictionary<TaskState, TaskState[]> Allowed = new Dictionary<TaskState, TaskState[]>
    {
        [TaskState.Pending] = [TaskState.Scheduled, TaskState.Completed],
        [TaskState.Scheduled] = [TaskState.Scheduled, TaskState.Running, TaskState.Completed, TaskState.Failed, TaskState.Pending],
        [TaskState.Running] = [TaskState.Running, TaskState.Completed, TaskState.Failed, TaskState.Scheduled, TaskState.Pending],
        [TaskState.Completed] = [],
        [TaskState.Failed] = [TaskState.Scheduled],
    };

    public static bool CanTransition(TaskState from, TaskState to) => Allowed[from].Contains(to);

    public static IReadOnlyList<TaskState> NextStates(TaskState from) => Allowed[from];

    public static bool IsTerminal(TaskState state) => state is TaskState.Completed or TaskState.Failed;

    /// <summary>Returns the new state, or throws <see cref="InvalidTaskTransitionException"/> for a forbidden move.</summary>
    public static TaskState Transition(TaskState from, TaskState to) =>
        CanTransition(from, to) ? to : throw new InvalidTaskTransitionException(from, to);
}

public sealed class InvalidTaskTransitionException(TaskState from, TaskState to)
    : InvalidOperationException($"A task cannot move from {from} to {to}.")
{
    public TaskState From { get; } = from;
    public TaskState To { get; } = to;
}
