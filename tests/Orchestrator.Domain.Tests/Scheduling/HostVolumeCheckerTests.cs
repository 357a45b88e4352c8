using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

public sealed class HostVolumeCheckerTests
{
    private static TaskSpec MountingCerts(bool readOnly) => new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 0.5m, MemoryMb = 256, DiskMb = 10 },
        Mounts = [new Mount { Type = Mount.HostType, Source = "certs", Target = "/certs", ReadOnly = readOnly }],
    };

    private static NodeSnapshot Offering(int number, params HostVolume[] volumes) =>
        Node(number) with { HostVolumes = volumes };

    [Fact]
    public void A_node_offering_the_host_volume_takes_the_task() =>
        Assert.Null(CandidateFilter.RejectionReason(MountingCerts(readOnly: false), Offering(1, new HostVolume("certs", "/etc/ssl", false))));

    [Fact]
    public void A_node_without_the_host_volume_is_ruled_out()
    {
        Assert.Equal("without host volume certs", CandidateFilter.RejectionReason(MountingCerts(readOnly: true), Node(1)));
        Assert.Equal(
            "without host volume certs",
            CandidateFilter.RejectionReason(MountingCerts(readOnly: true), Offering(1, new HostVolume("data", "/srv", false))));
    }

    [Fact]
    public void A_read_only_host_volume_only_takes_a_read_only_mount()
    {
        var node = Offering(1, new HostVolume("certs", "/etc/ssl", ReadOnly: true));

        Assert.Equal("host volume certs is read-only", CandidateFilter.RejectionReason(MountingCerts(readOnly: false), node));
        Assert.Null(CandidateFilter.RejectionReason(MountingCerts(readOnly: true), node));
    }

    [Fact]
    public void The_explanation_names_the_missing_host_volume()
    {
        var reason = CandidateFilter.ExplainNoFit(MountingCerts(readOnly: true), [Node(1), Node(2)]);

        Assert.Equal(
            "no Ready node has room for 0.5 cpu, 256 MiB memory, 10 MiB disk and host volume certs; 2 nodes checked: 2 without host volume certs",
            reason);
    }
}
