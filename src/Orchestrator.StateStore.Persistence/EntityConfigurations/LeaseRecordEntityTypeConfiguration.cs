using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class LeaseRecordEntityTypeConfiguration : IEntityTypeConfiguration<LeaseRecord>
{
    public void Configure(EntityTypeBuilder<LeaseRecord> lease)
    {
        lease.ToTable("leases");
        lease.HasKey(l => l.Name);
        lease.Property(l => l.Name).HasMaxLength(LeaseRecord.MaxNameLength);
        lease.Property(l => l.Holder).HasMaxLength(LeaseRecord.MaxHolderLength);
    }
}
