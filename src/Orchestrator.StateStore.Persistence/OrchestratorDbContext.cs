using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// StateStore's database: tasks, their events, jobs, nodes, the outbox, and secrets and registry credentials with the
/// Data Protection keys that encrypt them. No other service writes here.
/// </summary>
public sealed class OrchestratorDbContext(DbContextOptions<OrchestratorDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Schema = "orchestrator";

    /// <summary>The connection string's name, for StateStore and for the Api's reads alike.</summary>
    public const string ConnectionName = "orchestratordb";

    /// <summary>Where EF Core keeps the list of applied migrations.</summary>
    public const string HistorySchema = "public";

    /// <summary>
    /// The migrations' history table named with its schema. Named without one, Postgres finds it through the search
    /// path, which starts with the user's own schema: for a user named like <see cref="Schema"/> the history would move
    /// into it once the first migration had made it, and a StateStore started later would apply every migration again.
    /// <see cref="HistorySchema"/> is where every database so far keeps it (a user named otherwise finds it there).
    /// </summary>
    public static NpgsqlDbContextOptionsBuilder PinHistoryTable(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable(HistoryRepository.DefaultTableName, HistorySchema);

    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TaskEventRecord> TaskEvents => Set<TaskEventRecord>();
    public DbSet<JobRecord> Jobs => Set<JobRecord>();
    public DbSet<JobRevisionRecord> JobRevisions => Set<JobRevisionRecord>();
    public DbSet<NodeRecord> Nodes => Set<NodeRecord>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<SecretRecord> Secrets => Set<SecretRecord>();
    public DbSet<SecretKeyRecord> SecretKeys => Set<SecretKeyRecord>();
    public DbSet<RegistryRecord> Registries => Set<RegistryRecord>();
    public DbSet<LeaseRecord> Leases => Set<LeaseRecord>();
    public DbSet<AuditEntryRecord> AuditEntries => Set<AuditEntryRecord>();
    public DbSet<IdempotencyKeyRecord> IdempotencyKeys => Set<IdempotencyKeyRecord>();

    /// <summary>Data Protection's key ring, each key encrypted with the operator's key (StateStore's <c>OperatorKeyXmlEncryptor</c>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Postgres's own string hash, the same in every instance: what divides the Pending queue among Schedulers
    /// (StateStore's <c>SchedulerShares</c>). Only for queries; it runs in the database.
    /// </summary>
    [DbFunction("hashtext", IsBuiltIn = true)]
    public static int HashText(string text) => throw new NotSupportedException("hashtext runs only in a query, in Postgres.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrchestratorDbContext).Assembly);
    }
}
