using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

public class ContainerSpecTests
{
    private static readonly NodeIdentity Node = new(Guid.NewGuid(), "node-a", "10.0.0.7");

    private static ContainerLaunch Launch(TaskSpec spec, string? job = null, int? slot = null) =>
        new(Guid.NewGuid(), 1, spec, job, slot);

    [Fact]
    public void A_job_slot_mounts_its_own_volume_and_tmpfs_gets_its_size()
    {
        var spec = new TaskSpec
        {
            Name = "db", Image = "busybox",
            Mounts = [new Mount { Type = "volume", Source = "data", Target = "/data" }, new Mount { Type = "tmpfs", Target = "/scratch", SizeMb = 64 }],
        };

        var mounts = ContainerSpec.From(Launch(spec, "web", 2), Node, new AgentOptions()).HostConfig.Mounts;

        Assert.Equal(("volume", "web-2-data", "/data"), (mounts[0].Type, mounts[0].Source, mounts[0].Target));
        Assert.Equal(64L * 1024 * 1024, mounts[1].TmpfsOptions.SizeBytes);
    }

    [Fact]
    public void A_host_volume_the_node_does_not_offer_fails_the_start_naming_it()
    {
        var spec = new TaskSpec { Name = "t", Image = "busybox", Mounts = [new Mount { Type = "host", Source = "certs", Target = "/certs" }] };

        var error = Assert.Throws<ContainerStartException>(() => ContainerSpec.From(Launch(spec), Node, new AgentOptions()));

        Assert.Contains("certs", error.Message);
    }

    [Fact]
    public void Every_container_gets_no_new_privileges_unless_task_and_node_both_allow_escalation()
    {
        var spec = new TaskSpec { Name = "t", Image = "busybox" };
        Assert.Equal(["no-new-privileges"], ContainerSpec.From(Launch(spec), Node, new AgentOptions()).HostConfig.SecurityOpt);

        var escalating = spec with { NoNewPrivileges = false };
        Assert.Throws<ContainerStartException>(() => ContainerSpec.From(Launch(escalating), Node, new AgentOptions()));
        Assert.Null(ContainerSpec.From(Launch(escalating), Node, new AgentOptions { AllowPrivilegeEscalation = true }).HostConfig.SecurityOpt);
    }

    [Fact]
    public void The_task_learns_its_runtime_facts_and_fixed_ports_from_its_environment()
    {
        var spec = new TaskSpec { Name = "web", Image = "busybox", Ports = [new PortMapping { ContainerPort = 8080, HostPort = 31522 }] };
        var launch = Launch(spec, "web", 1);

        var env = ContainerSpec.Environment(launch, Node, spec.PortsOrEmpty);

        Assert.Contains($"ORCHESTRATOR_TASK_ID={launch.TaskId}", env);
        Assert.Contains("ORCHESTRATOR_SLOT=1", env);
        Assert.Contains("ORCHESTRATOR_NODE_NAME=node-a", env);
        Assert.Contains("ORCHESTRATOR_NODE_ADDRESS=10.0.0.7", env);
        Assert.Contains("ORCHESTRATOR_PORT_8080=31522", env);
    }

    [Fact]
    public void A_port_the_agent_picked_is_published_and_told_but_the_spec_label_keeps_it_to_the_node()
    {
        var spec = new TaskSpec { Name = "web", Image = "busybox", Ports = [new PortMapping { ContainerPort = 8080 }] };
        var decided = new[] { new PortMapping { ContainerPort = 8080, HostPort = 20417 } };

        var parameters = ContainerSpec.From(Launch(spec), Node, new AgentOptions(), decided);

        Assert.Equal("20417", Assert.Single(parameters.HostConfig.PortBindings["8080/tcp"]).HostPort);
        Assert.Contains("ORCHESTRATOR_PORT_8080=20417", parameters.Env);
        // An adopted container's spec is the user's, so a replacement picks its port afresh.
        Assert.Equal(0, Assert.Single(ContainerLabels.ReadSpec(parameters.Labels)!.PortsOrEmpty).HostPort);
        // While it is stopped, the engine lists no port for it: its label keeps the port from other tasks.
        Assert.Equal([HostPort.Of(20417, "tcp")], ContainerLabels.ReadHostPorts(parameters.Labels));
    }
}
