namespace Orchestrator.Contracts;

/// <summary>
/// Tasks are Pending to be placed: new, or released from a node. <see cref="TaskId"/> is one of them, whose trace the
/// event continues; the others submitted with it are announced by the same event (<see cref="IWakeUp"/>).
/// </summary>
public sealed record TaskSubmitted(Guid TaskId) : IWakeUp;
