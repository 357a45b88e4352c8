using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class AuditEntryRecordEntityTypeConfiguration : IEntityTypeConfiguration<AuditEntryRecord>
{
    public void Configure(EntityTypeBuilder<AuditEntryRecord> entry)
    {
        entry.ToTable("audit_entries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Id).UseIdentityAlwaysColumn();
        entry.Property(e => e.Caller).HasMaxLength(AuditEntryRecord.MaxCallerLength);
        entry.Property(e => e.Address).HasMaxLength(AuditEntryRecord.MaxAddressLength);
        entry.Property(e => e.Kind).HasMaxLength(AuditEntryRecord.MaxKindLength);
        entry.Property(e => e.Subject).HasMaxLength(AuditEntryRecord.MaxSubjectLength);
        // The trail is read newest first, all of it or one key's or one kind's.
        entry.HasIndex(e => new { e.Caller, e.Id });
        entry.HasIndex(e => new { e.Kind, e.Id });
        entry.HasIndex(e => e.At);
    }
}
