using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class IdempotencyKeyRecordEntityTypeConfiguration : IEntityTypeConfiguration<IdempotencyKeyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyKeyRecord> entry)
    {
        entry.ToTable("idempotency_keys");
        entry.HasKey(e => new { e.Caller, e.Key, e.Kind });
        entry.Property(e => e.Caller).HasMaxLength(IdempotencyKeyRecord.MaxCallerLength);
        entry.Property(e => e.Key).HasMaxLength(IdempotencyKeyRecord.MaxKeyLength);
        entry.Property(e => e.Kind).HasMaxLength(IdempotencyKeyRecord.MaxKindLength);
        entry.Property(e => e.AnswerType).HasMaxLength(200);
        entry.Property(e => e.Answer).HasColumnType("jsonb");
        // Retention removes the oldest first.
        entry.HasIndex(e => e.At);
    }
}
