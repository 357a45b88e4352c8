using System.ComponentModel.DataAnnotations;

namespace Orchestrator.StateStore.Leadership;

/// <summary>How StateStore instances elect the one that runs the singletons (section <c>StateStore:Leadership</c>).</summary>
public sealed class LeadershipOptions : IValidatableObject
{
    public const string Section = "StateStore:Leadership";

    /// <summary>
    /// How long the lease holds without a renewal: the longest the singletons stand still after their StateStore
    /// dies (SIGKILL, a lost host), before another instance takes the lease. A StateStore that stops cleanly hands
    /// the lease over at once.
    /// </summary>
    [Positive]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How often the holder renews its lease, and the others try to take it.</summary>
    [Positive]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Two renewals per lease at least, so one slow or failed renewal does not cost the holder its lease.
        if (RenewInterval * 2 > LeaseTtl)
            yield return new ValidationResult(
                $"must be at most half of {Section}:{nameof(LeaseTtl)} ({LeaseTtl})", [nameof(RenewInterval)]);
    }
}
