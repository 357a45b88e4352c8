using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Retention;

namespace Orchestrator.StateStore.Idempotency;

/// <summary>
/// Forgets idempotency keys older than <see cref="RetentionOptions.IdempotencyKeys"/>, on the StateStore that leads;
/// a request repeated after that is a new one.
/// </summary>
public sealed class IdempotencyKeyRetention(
    IServiceScopeFactory scopes, LeaseKeeper leadership, IOptions<RetentionOptions> options, TimeProvider clock,
    ILogger<IdempotencyKeyRetention> logger)
    : PeriodicBackgroundService(clock)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Forgetting old idempotency keys failed; the next pass tries again");

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!leadership.Leads)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        await RemoveAsync(db, Clock.GetUtcNow() - options.Value.IdempotencyKeys, cancellationToken);
    }

    public static Task<int> RemoveAsync(OrchestratorDbContext db, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        db.IdempotencyKeys.Where(e => e.At < cutoff).ExecuteDeleteAsync(cancellationToken);
}
