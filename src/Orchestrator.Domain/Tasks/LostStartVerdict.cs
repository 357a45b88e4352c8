namespace Orchestrator.Domain.Tasks;

/// <summary>What the control plane does about a Scheduled attempt that its node's heartbeat does not show.</summary>
public enum LostStartAction
{
    /// <summary>The agent holds it, or the attempt showed a sign of life within the grace: nothing to do.</summary>
    Wait,

    /// <summary>Its StartTask was lost: send it again, for the same attempt (the agent starts an attempt once).</summary>
    Resend,

    /// <summary>Re-sent often enough with no sign of life: give the attempt up, so the task is placed again.</summary>
    Replace,
}

/// <summary>
/// Decides whether a Scheduled attempt's StartTask was lost on the way to its agent (a purged or deleted queue, a
/// broker that lost an unreplicated queue). The agent's heartbeat lists every container it holds and every start it
/// has under way; an attempt it lists neither way, with no sign of life (its placement, a start step such as an image
/// pull, the last re-send) for longer than the grace, never reached it. Sending the StartTask again is harmless, as the
/// agent makes one container per attempt; after <c>maxResends</c> re-sends without a sign of life the node is taken
/// for unable to start it, and the attempt is given up. Nomad's client asks the servers for the allocations it misses
/// in the same spirit: the node's view, not the message, is what counts.
/// </summary>
public static class LostStartVerdict
{
    public const int DefaultMaxResends = 3;

    /// <param name="agentHoldsIt">The heartbeat lists a container of the attempt, or its start as under way.</param>
    /// <param name="lastSignOfLife">The attempt's placement, its last start step or its last re-send, whichever is latest.</param>
    /// <param name="resends">StartTasks re-sent for the attempt since its last start step.</param>
    /// <param name="heardAt">As of when the heartbeat speaks: StateStore's clock, less how far behind it reads them.</param>
    /// <param name="grace">How long a StartTask is given to reach the agent and show in its heartbeat.</param>
    public static LostStartAction Judge(
        bool agentHoldsIt, DateTimeOffset lastSignOfLife, int resends, DateTimeOffset heardAt, TimeSpan grace, int maxResends = DefaultMaxResends)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(resends);
        ArgumentOutOfRangeException.ThrowIfNegative(maxResends);
        if (agentHoldsIt || heardAt - lastSignOfLife <= grace)
            return LostStartAction.Wait;
        return resends < maxResends ? LostStartAction.Resend : LostStartAction.Replace;
    }
}
