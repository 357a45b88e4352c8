using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class TaskEventRecordEntityTypeConfiguration : IEntityTypeConfiguration<TaskEventRecord>
{
    public void Configure(EntityTypeBuilder<TaskEventRecord> taskEvent)
    {
        taskEvent.ToTable("task_events");
        taskEvent.HasKey(e => e.Id);
        taskEvent.Property(e => e.Id).UseIdentityAlwaysColumn();
        taskEvent.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        taskEvent.Property(e => e.Reason).HasMaxLength(1024);
        taskEvent.Property(e => e.Caller).HasMaxLength(AuditEntryRecord.MaxCallerLength);
        taskEvent.HasIndex(e => new { e.TaskId, e.Id });
        taskEvent.HasOne<TaskRecord>().WithMany().HasForeignKey(e => e.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}
