using Microsoft.EntityFrameworkCore;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence;

/// <summary>StateStore's database: tasks, their events, jobs, nodes and the outbox. No other service writes here.</summary>
public sealed class OrchestratorDbContext(DbContextOptions<OrchestratorDbContext> options) : DbContext(options)
{
    public const string Schema = "orchestrator";

    public DbSet<TaskRecord> Tasks => Set<TaskRecord>();
    public DbSet<TaskEventRecord> TaskEvents => Set<TaskEventRecord>();
    public DbSet<JobRecord> Jobs => Set<JobRecord>();
    public DbSet<NodeRecord> Nodes => Set<NodeRecord>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrchestratorDbContext).Assembly);
    }
}
