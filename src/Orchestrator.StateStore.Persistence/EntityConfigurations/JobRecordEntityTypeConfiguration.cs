using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class JobRecordEntityTypeConfiguration : IEntityTypeConfiguration<JobRecord>
{
    public void Configure(EntityTypeBuilder<JobRecord> job)
    {
        job.ToTable("jobs");
        job.HasKey(j => j.Name);
        job.Property(j => j.Name).HasMaxLength(JobValidator.MaxNameLength);
        job.Property(j => j.Spec).HasJsonConversion();
        job.Property(j => j.StableSpec).HasJsonConversion();
        job.Property(j => j.GroupNames).HasJsonConversion();
        job.Property(j => j.Update).HasJsonConversion();
        job.Property(j => j.RolloutFailure).HasMaxLength(JobRecord.MaxMessageLength);
        job.Property(j => j.Message).HasMaxLength(JobRecord.MaxMessageLength);
        job.Property(j => j.Type).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.Overlap).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.Schedule).HasMaxLength(JobValidator.MaxScheduleLength);
        job.Property(j => j.TimeZone).HasMaxLength(JobValidator.MaxTimeZoneLength);
        job.Property(j => j.ParentJob).HasMaxLength(JobValidator.MaxNameLength);
        // A periodic job's runs are read by their job's name.
        job.HasIndex(j => j.ParentJob).HasFilter("\"ParentJob\" IS NOT NULL");
    }
}
