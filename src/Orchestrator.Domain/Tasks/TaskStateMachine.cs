namespace Orchestrator.Domain.Tasks;

/// <summary>
/// The only way a task's state changes, and exactly the moves StateStore makes. Cube's transitions, except that a
/// restart happens in place on the node (Running to Running) instead of through Scheduled, so a task that has ended
/// stays ended (a job's replacement is a new task); plus two of our own: cancellation (a Pending task that the user
/// stops ends Completed without ever being placed), a return to Pending when the task's node is lost or drained (or
/// never starts it: <see cref="LostStartVerdict"/>), so that it is placed again, and a Pending task's release from the node that holds its volumes.
/// </summary>
public static class TaskStateMachine
{
    private static readonly IReadOnlyDictionary<TaskState, TaskState[]> Allowed = new Dictionary<TaskState, TaskState[]>
    {
        // Placed; stopped before it was placed; let go of the node that holds its volumes.
        [TaskState.Pending] = [TaskState.Scheduled, TaskState.Completed, TaskState.Pending],
        // A step of starting (an image pull, a re-sent StartTask); started; ended before it ran; its node lost, drained
        // or never starting it.
        [TaskState.Scheduled] = [TaskState.Scheduled, TaskState.Running, TaskState.Completed, TaskState.Failed, TaskState.Pending],
        // Restarted in place; ended; its node lost or drained.
        [TaskState.Running] = [TaskState.Running, TaskState.Completed, TaskState.Failed, TaskState.Pending],
        [TaskState.Completed] = [],
        [TaskState.Failed] = [],
    };

    /// <summary>The states with no way out: a task in one of them has ended.</summary>
    public static IReadOnlyList<TaskState> TerminalStates { get; } =
        Enum.GetValues<TaskState>().Where(state => Allowed[state].Length == 0).ToArray();

    public static bool CanTransition(TaskState from, TaskState to) => Allowed[from].Contains(to);

    public static IReadOnlyList<TaskState> NextStates(TaskState from) => Allowed[from];

    public static bool IsTerminal(TaskState state) => Allowed[state].Length == 0;

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
