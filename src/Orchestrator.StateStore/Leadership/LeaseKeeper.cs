using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Leadership;

/// <summary>
/// Elects, through Postgres, the one StateStore instance that runs the singletons (the node liveness monitor, the
/// job monitor, the cluster metrics): every instance tries every <see cref="LeadershipOptions.RenewInterval"/> to take
/// or renew one lease row, which a single statement gives to its holder again, or to anyone once it has expired on
/// the database's clock. No clock of the instances is compared with another's. The holder believes it leads only
/// until its last renewal, counted from before it was sent, plus the lease's length: by then the database may give
/// the lease to another, so two instances never both believe it. A holder that stops cleanly gives the lease up.
/// </summary>
public sealed class LeaseKeeper(
    IServiceScopeFactory scopes, IOptions<LeadershipOptions> options, TimeProvider clock, ILogger<LeaseKeeper> logger)
    : PeriodicBackgroundService(clock)
{
    public const string SingletonsLease = "statestore-singletons";

    private long _leadsUntil;
    private bool _announced;

    /// <summary>This instance, as the lease names its holder.</summary>
    public string Holder { get; } = HolderName($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");

    private static string HolderName(string name) => name.Length <= LeaseRecord.MaxHolderLength ? name : name[^LeaseRecord.MaxHolderLength..];

    /// <summary>Whether this instance holds the singletons' lease now.</summary>
    public bool Leads => Clock.GetTimestamp() < Interlocked.Read(ref _leadsUntil);

    private LeadershipOptions Options => options.Value;

    protected override TimeSpan Interval => Options.RenewInterval;

    protected override bool RunsAtStart => true;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var sent = Clock.GetTimestamp();
        var held = await TryTakeAsync(cancellationToken);
        Interlocked.Exchange(ref _leadsUntil, held ? sent + (long)(Options.LeaseTtl.TotalSeconds * Clock.TimestampFrequency) : 0);
        Announce();
    }

    protected override void OnRunFailed(Exception error)
    {
        // The lease runs out by itself; until then this instance may still lead.
        logger.LogWarning(error, "Could not renew the singletons' lease; this instance leads until it runs out at the latest");
        Announce();
    }

    private static string? _takeSql;

    /// <summary>
    /// Gives the row to <c>{1}</c> for <c>{2}</c> if it holds it already or if it has run out, and returns the holder;
    /// otherwise returns nothing. Names as the model maps them (<see cref="SqlNames"/>).
    /// </summary>
    public static string TakeSql(IModel model)
    {
        var name = model.Column<LeaseRecord>(nameof(LeaseRecord.Name));
        var holder = model.Column<LeaseRecord>(nameof(LeaseRecord.Holder));
        var expiresAt = model.Column<LeaseRecord>(nameof(LeaseRecord.ExpiresAt));
        var table = model.Table<LeaseRecord>();
        return $"INSERT INTO {table} AS lease ({name}, {holder}, {expiresAt}) VALUES ({{0}}, {{1}}, now() + {{2}}) " +
            $"ON CONFLICT ({name}) DO UPDATE SET {holder} = excluded.{holder}, {expiresAt} = excluded.{expiresAt} " +
            $"WHERE lease.{holder} = excluded.{holder} OR lease.{expiresAt} < now() " +
            $"RETURNING lease.{holder} AS \"Value\"";
    }

    private async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var taken = await db.Database.SqlQueryRaw<string>(_takeSql ??= TakeSql(db.Model), SingletonsLease, Holder, Options.LeaseTtl)
            .ToListAsync(cancellationToken);
        return taken.Count == 1;
    }

    private void Announce()
    {
        var leads = Leads;
        if (leads == _announced)
            return;
        _announced = leads;
        if (leads)
            logger.LogInformation("This StateStore ({Holder}) leads: it runs the node liveness monitor, the job monitor and the cluster metrics", Holder);
        else
            logger.LogWarning("This StateStore ({Holder}) no longer leads", Holder);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!Leads)
            return;
        Interlocked.Exchange(ref _leadsUntil, 0);
        try
        {
            // Given up at once, so another instance takes over at its next try, not after the lease runs out.
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            await db.Leases.Where(l => l.Name == SingletonsLease && l.Holder == Holder).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "Could not give up the singletons' lease; it runs out by itself");
        }
    }
}
