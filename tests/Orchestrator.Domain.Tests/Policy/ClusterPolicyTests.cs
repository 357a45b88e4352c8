using Orchestrator.Domain.Policy;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Policy;

public sealed class ClusterPolicyTests
{
    private static TaskSpec Task(string image = "nginx:1.27") => new() { Name = "web", Image = image };

    [Fact]
    public void An_unset_policy_allows_any_task()
    {
        var spec = Task("registry.internal:5000/team/app:1") with
        {
            Resources = new ResourceRequest { Cpu = 64, MemoryMb = 1_000_000 },
            CapAdd = ["SYS_ADMIN"],
            Mounts = [new Mount { Type = Mount.HostType, Source = "data", Target = "/data" }],
        };

        Assert.Null(new ClusterPolicy().Check(spec));
    }

    [Theory]
    [InlineData("nginx:1.27", "docker.io/library/", true)]
    [InlineData("library/nginx", "docker.io/library/", true)]
    [InlineData("bitnami/nginx", "docker.io/library/", false)]
    [InlineData("registry.internal:5000/team/app:1", "registry.internal:5000", true)]
    [InlineData("registry.internal:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "registry.internal:5000/team/", true)]
    [InlineData("registry.internal:5001/team/app:1", "registry.internal:5000", false)]
    [InlineData("ghcr.io/team/app-tools", "ghcr.io/team/app", true)]
    [InlineData("evil.example/registry.internal/app", "registry.internal", false)]
    [InlineData("Registry.Internal:5000/team/app", "registry.internal:5000", true)]
    public void An_image_is_allowed_only_from_a_listed_registry_or_prefix(string image, string allowed, bool expected)
    {
        var refusal = new ClusterPolicy { AllowedImages = [allowed] }.Check(Task(image));

        Assert.Equal(expected, refusal is null);
        if (refusal is not null)
        {
            Assert.Equal("Api:Policy:AllowedImages", refusal.Setting);
            Assert.Contains(image, refusal.Reason);
        }
    }

    [Fact]
    public void A_task_larger_than_the_limits_is_refused_naming_the_limit_it_passes()
    {
        var policy = new ClusterPolicy { MaxCpu = 2, MaxMemoryMb = 4096 };

        Assert.Null(policy.Check(Task() with { Resources = new ResourceRequest { Cpu = 2, MemoryMb = 4096 } }));
        var cpu = policy.Check(Task() with { Resources = new ResourceRequest { Cpu = 2.5m } });
        Assert.Equal("Api:Policy:MaxCpu", cpu?.Setting);
        Assert.Contains("2.5 CPU", cpu!.Reason);
        Assert.Equal("Api:Policy:MaxMemoryMb", policy.Check(Task() with { Resources = new ResourceRequest { MemoryMb = 4097 } })?.Setting);
    }

    [Fact]
    public void The_default_request_counts_against_the_limits()
    {
        var below = new ClusterPolicy { MaxMemoryMb = Orchestrator.Domain.Capacity.Resources.DefaultRequest.MemoryMb - 1 };

        Assert.Equal("Api:Policy:MaxMemoryMb", below.Check(Task())?.Setting);
    }

    [Fact]
    public void Host_volumes_are_refused_when_the_operator_turns_them_off()
    {
        var policy = new ClusterPolicy { AllowHostVolumes = false };
        var host = Task() with { Mounts = [new Mount { Type = Mount.HostType, Source = "data", Target = "/data" }] };

        Assert.Equal("Api:Policy:AllowHostVolumes", policy.Check(host)?.Setting);
        Assert.Null(policy.Check(Task() with { Mounts = [new Mount { Type = "volume", Source = "cache", Target = "/cache" }] }));
    }

    [Theory]
    [InlineData("NET_BIND_SERVICE", true)]
    [InlineData("cap_net_bind_service", true)]
    [InlineData("SYS_ADMIN", false)]
    public void Only_allowed_capabilities_may_be_added(string capability, bool expected)
    {
        var policy = new ClusterPolicy { AllowedCapabilities = ["NET_BIND_SERVICE"] };

        Assert.Equal(expected, policy.Check(Task() with { CapAdd = [capability] }) is null);
        Assert.Null(policy.Check(Task() with { CapDrop = ["ALL"] }));
    }

    [Fact]
    public void An_empty_capability_list_allows_adding_none()
    {
        var refusal = new ClusterPolicy { AllowedCapabilities = [] }.Check(Task() with { CapAdd = ["CHOWN"] });

        Assert.Equal("Api:Policy:AllowedCapabilities", refusal?.Setting);
        Assert.Contains("no capability may be added", refusal!.Reason);
    }
}
