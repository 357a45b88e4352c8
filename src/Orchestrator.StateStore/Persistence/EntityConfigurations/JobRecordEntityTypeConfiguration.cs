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
        job.Property(j => j.Message).HasMaxLength(JobRecord.MaxMessageLength);
        job.Property(j => j.Type).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
    }
}
