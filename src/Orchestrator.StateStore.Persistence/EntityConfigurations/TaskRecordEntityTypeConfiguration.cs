using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class TaskRecordEntityTypeConfiguration : IEntityTypeConfiguration<TaskRecord>
{
    public void Configure(EntityTypeBuilder<TaskRecord> task)
    {
        task.ToTable("tasks");
        task.HasKey(t => t.Id);
        task.Property(t => t.Name).HasMaxLength(63);
        task.Property(t => t.Image).HasMaxLength(255);
        // The spec is set once; the ports are assigned anew by the task's own methods.
        task.Property(t => t.Spec).HasReplacedWholeJsonConversion();
        task.Property(t => t.Ports).HasReplacedWholeJsonConversion();
        task.Property(t => t.CpuRequest).HasPrecision(12, 3);
        task.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        task.Property(t => t.DesiredState).HasConversion<string>().HasMaxLength(16);
        task.Property(t => t.ContainerId).HasMaxLength(128);
        task.Property(t => t.TraceParent).HasMaxLength(64);
        task.Property(t => t.JobName).HasMaxLength(Domain.Jobs.JobValidator.MaxNameLength);
        task.Property(t => t.StopReason).HasMaxLength(256);
        task.Property(t => t.Message).HasMaxLength(1024);
        task.Property(t => t.Health).HasConversion<string>().HasMaxLength(16);
        task.Property(t => t.LastProbeResult).HasMaxLength(512);
        task.Property(t => t.Version).IsConcurrencyToken();
        // Written by the trigger the migration CatalogRevisions creates, on every writer's statement.
        task.Property(t => t.CatalogRevision).ValueGeneratedOnAddOrUpdate();
        task.HasIndex(t => t.State);
        task.HasIndex(t => new { t.NodeId, t.State });
        task.HasIndex(t => t.CreatedAt);
        // What retention removes, oldest first, without reading the live tasks.
        task.HasIndex(t => t.FinishedAt).HasFilter("\"FinishedAt\" IS NOT NULL");
        task.HasIndex(t => new { t.JobName, t.State }).HasFilter("\"JobName\" IS NOT NULL");
        // The catalog's instances: the unfinished tasks that offer services, and the revisions its index is made of.
        task.HasIndex(t => t.CatalogRevision).HasFilter(ServiceCatalogQueries.LiveFilter).HasDatabaseName("IX_tasks_catalog");
    }
}
