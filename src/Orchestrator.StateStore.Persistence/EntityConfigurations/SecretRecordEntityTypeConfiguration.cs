using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class SecretRecordEntityTypeConfiguration : IEntityTypeConfiguration<SecretRecord>
{
    public void Configure(EntityTypeBuilder<SecretRecord> secret)
    {
        secret.ToTable("secrets");
        secret.HasKey(s => s.Name);
        secret.Property(s => s.Name).HasMaxLength(63);
        secret.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class SecretKeyRecordEntityTypeConfiguration : IEntityTypeConfiguration<SecretKeyRecord>
{
    public void Configure(EntityTypeBuilder<SecretKeyRecord> key)
    {
        key.ToTable("secret_keys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).HasMaxLength(32);
    }
}

internal sealed class DataProtectionKeyEntityTypeConfiguration : IEntityTypeConfiguration<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> key) =>
        key.ToTable("data_protection_keys");
}
