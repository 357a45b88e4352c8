using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Admission;

public sealed class AdmissionOptions
{
    public const string Section = "StateStore:Admission";

    /// <summary>
    /// Submissions are refused while this many tasks are Pending (0: never). Past the rate the cluster places tasks,
    /// accepting more only lengthens the wait of every task behind them; a refusal tells the caller at once.
    /// </summary>
    public long MaxPending { get; set; } = 10_000;

    /// <summary>What a refused caller is told to wait before trying again.</summary>
    [Positive]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Back-pressure on submissions, judged on the cluster snapshot the metrics already read every few seconds, so
/// that a submission costs no extra query: the count may lag by one refresh, which a limit in the thousands
/// does not notice.
/// </summary>
public sealed class AdmissionControl(ClusterMetrics metrics, IOptions<AdmissionOptions> options)
{
    /// <summary>Why a submission is refused now; null to accept it.</summary>
    public string? Refusal()
    {
        var limit = options.Value.MaxPending;
        if (limit <= 0)
            return null;
        var pending = metrics.Current?.TasksByState.GetValueOrDefault(TaskState.Pending) ?? 0;
        return pending >= limit
            ? $"{pending} tasks are waiting to be placed (the limit is {limit}); try again later."
            : null;
    }

    public TimeSpan RetryAfter => options.Value.RetryAfter;
}
