namespace Orchestrator.Domain.Tasks;

/// <summary>
/// Turns a stream of probe results into a health status: one success makes the task Healthy, and
/// <see cref="HealthCheck.FailureThreshold"/> failures in a row make it Unhealthy.
/// </summary>
public sealed class HealthTracker(HealthCheck check)
{
    public HealthStatus Status { get; private set; } = HealthStatus.Unknown;
    public int ConsecutiveFailures { get; private set; }
    public string? LastResult { get; private set; }

    /// <summary>Records one probe; returns true when the status changed.</summary>
    public bool Record(bool success, string result)
    {
        LastResult = result;
        var before = Status;
        if (success)
        {
            ConsecutiveFailures = 0;
            Status = HealthStatus.Healthy;
        }
        else if (++ConsecutiveFailures >= check.FailureThreshold)
        {
            Status = HealthStatus.Unhealthy;
        }
        return Status != before;
    }
}
