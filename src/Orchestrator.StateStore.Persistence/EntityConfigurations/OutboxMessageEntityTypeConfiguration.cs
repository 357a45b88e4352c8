using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class OutboxMessageEntityTypeConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("outbox_messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Id).UseIdentityAlwaysColumn();
        message.Property(m => m.MessageType).HasMaxLength(256);
        message.Property(m => m.Body).HasColumnType("jsonb");
        message.Property(m => m.Destination).HasMaxLength(256);
        message.Property(m => m.TraceParent).HasMaxLength(64);
        message.Property(m => m.TraceState).HasMaxLength(512);
    }
}
