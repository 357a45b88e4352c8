using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class RegistryRecordEntityTypeConfiguration : IEntityTypeConfiguration<RegistryRecord>
{
    public void Configure(EntityTypeBuilder<RegistryRecord> registry)
    {
        registry.ToTable("registries");
        registry.HasKey(r => r.Server);
        registry.Property(r => r.Server).HasMaxLength(ImageReference.MaxServerLength);
        registry.Property(r => r.Username).HasMaxLength(RegistryRecord.MaxUsernameLength);
    }
}
