namespace Orchestrator.Contracts;

/// <summary>
/// The end of a task's output kept from its latest reported exit, for logs whose container is gone. Answered with
/// <see cref="TaskOutputTail"/>.
/// </summary>
public sealed record GetTaskOutputTail(Guid TaskId);
