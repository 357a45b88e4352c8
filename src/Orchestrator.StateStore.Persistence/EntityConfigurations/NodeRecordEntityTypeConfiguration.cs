using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.EntityConfigurations;

internal sealed class NodeRecordEntityTypeConfiguration : IEntityTypeConfiguration<NodeRecord>
{
    public void Configure(EntityTypeBuilder<NodeRecord> node)
    {
        node.ToTable("nodes");
        node.HasKey(n => n.Id);
        node.Property(n => n.Name).HasMaxLength(253);
        node.Property(n => n.Status).HasConversion<string>().HasMaxLength(16);
        node.Property(n => n.Datacenter).HasMaxLength(TaskSpecValidator.MaxNameLength);
        node.Property(n => n.Labels).HasJsonConversion();
        node.Property(n => n.HostVolumes).HasJsonConversion();
        node.Property(n => n.UnknownContainers).HasJsonConversion();
        node.ComplexProperty(n => n.Capacity, r => r.Property(x => x.Cpu).HasPrecision(12, 3));
        node.ComplexProperty(n => n.Allocatable, r => r.Property(x => x.Cpu).HasPrecision(12, 3));
        node.ComplexProperty(n => n.Used, r => r.Property(x => x.Cpu).HasPrecision(12, 3));
    }
}
