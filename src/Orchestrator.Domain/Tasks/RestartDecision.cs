namespace Orchestrator.Domain.Tasks;

/// <summary>What to do after a container exits: restart it after <see cref="Delay"/>, or end the task.</summary>
public sealed record RestartDecision(bool Restart, TimeSpan Delay, int RestartCount, string Reason)
{
    /// <param name="policy">The task's policy.</param>
    /// <param name="failed">A non-zero exit, an OOM kill, or a failed health check.</param>
    /// <param name="restartsSoFar">Restarts already made on this node.</param>
    /// <param name="ranFor">How long the container ran before this exit; a long run resets the count.</param>
    /// <param name="jitter">A number in [0, 1): spreads the delay over ±20% so restarts do not march in step.</param>
    public static RestartDecision Decide(RestartPolicy policy, bool failed, int restartsSoFar, TimeSpan ranFor, double jitter)
    {
        if (ranFor >= RestartPolicy.CountResetsAfter)
            restartsSoFar = 0;
        if (policy.Mode == RestartMode.Never)
            return End(restartsSoFar, "restart policy is Never");
        if (policy.Mode == RestartMode.OnFailure && !failed)
            return End(restartsSoFar, "exited successfully");
        if (restartsSoFar >= policy.MaxRestarts)
            return End(restartsSoFar, $"gave up after {restartsSoFar} restart{(restartsSoFar == 1 ? "" : "s")}");

        var next = restartsSoFar + 1;
        return new RestartDecision(true, Backoff(policy, restartsSoFar, jitter), next, $"restart {next} of {policy.MaxRestarts}");
    }

    /// <summary>backoff × 2^restarts, capped at the maximum, then scaled by 0.8 to 1.2.</summary>
    public static TimeSpan Backoff(RestartPolicy policy, int restartsSoFar, double jitter)
    {
        var seconds = Math.Min(policy.BackoffSeconds * Math.Pow(2, Math.Min(restartsSoFar, 30)), policy.MaxBackoffSeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * jitter));
    }

    private static RestartDecision End(int restarts, string reason) => new(false, TimeSpan.Zero, restarts, reason);
}
