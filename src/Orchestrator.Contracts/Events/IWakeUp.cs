namespace Orchestrator.Contracts;

/// <summary>
/// An event that only says there is something new to read. Its consumers read what is new for themselves (the
/// Scheduler reads every Pending task), so one such event does the work of many, and StateStore publishes one for
/// several: one per transaction, and one per batch of its outbox. A consumer must not count on one per change.
/// </summary>
public interface IWakeUp;
