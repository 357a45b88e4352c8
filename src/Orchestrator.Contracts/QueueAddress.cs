namespace Orchestrator.Contracts;

public static class QueueAddress
{
    /// <summary>
    /// Where to send to a queue that its consumer declares: the queue's own exchange. A sender to the queue itself
    /// would declare the queue too, without the arguments (a quorum queue, a single active consumer) its consumer
    /// declared it with, and the broker refuses a declaration that differs.
    /// </summary>
    public static Uri Of(string queue) => new($"exchange:{queue}");
}
