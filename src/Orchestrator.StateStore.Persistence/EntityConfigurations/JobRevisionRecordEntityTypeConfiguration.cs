using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class JobRevisionRecordEntityTypeConfiguration : IEntityTypeConfiguration<JobRevisionRecord>
{
    public void Configure(EntityTypeBuilder<JobRevisionRecord> revision)
    {
        revision.ToTable("job_revisions");
        revision.HasKey(r => new { r.JobName, r.Revision });
        revision.Property(r => r.JobName).HasMaxLength(JobValidator.MaxNameLength);
        revision.Property(r => r.Spec).HasJsonConversion();
        revision.Property(r => r.Reason).HasMaxLength(JobRecord.MaxMessageLength);
    }
}
