using System.ComponentModel.DataAnnotations;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.WorkerAgent;

/// <summary>The agent's configuration (section <c>Agent</c>, or <c>Agent__*</c> environment variables).</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>The node's name as users see it; the host name when unset.</summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// The node's id, when it was assigned before the agent first ran: e.g. by <c>deploy/rabbitmq/add-agent-user.sh</c>,
    /// which gives the node broker credentials that reach only its own queue. Unset, the agent makes one up on its
    /// first start. Either way the id is kept under <see cref="DataPath"/>.
    /// </summary>
    public Guid? NodeId { get; set; }

    /// <summary>
    /// The address other hosts reach this node's published ports at (an IP or a DNS name): reported with the node and
    /// told to tasks as <c>ORCHESTRATOR_NODE_ADDRESS</c>. Unset, the first IPv4 address of an interface that is up
    /// and is not loopback or a container bridge, else the host name.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>Where the agent keeps its node id; the disk under it is the disk the node reports.</summary>
    [Required(ErrorMessage = "must be set")]
    public string DataPath { get; set; } = "/var/lib/orchestrator-agent";

    /// <summary>
    /// Where the agent writes each task's <c>files</c> and <c>secrets</c>, a directory per attempt, to be bind-mounted into
    /// its container. It must be on tmpfs (or ramfs), so that a secret never reaches the node's disk: the agent refuses
    /// to start otherwise. An agent run as a container must have it mounted from the host at the same path.
    /// </summary>
    [Required(ErrorMessage = "must be set")]
    public string TaskFilesPath { get; set; } = "/run/orchestrator-agent/tasks";

    /// <summary>The engine's API, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    [Required(ErrorMessage = "must be set")]
    public string DockerEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>How often the agent reports its node and its containers.</summary>
    [Positive]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Pull images. Off, the node pulls none, whatever a task's <c>imagePullPolicy</c>: a missing image fails the task
    /// at once, an image pulled by default (<c>:latest</c>) runs as the node has it, and an explicit <c>Always</c> fails.
    /// </summary>
    public bool PullMissingImages { get; set; } = true;

    /// <summary>How long an image pull may take before the task fails.</summary>
    [Positive]
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the last container of a finished task is kept, for its logs.</summary>
    public TimeSpan ExitedContainerRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The pids limit every container gets, so a fork bomb cannot take the host.</summary>
    public long PidsLimit { get; set; } = 1024;

    /// <summary>
    /// The datacenter the node is in, reported with it: a task that lists <c>datacenters</c> is placed only on nodes
    /// in one of them. A name, as a task's is.
    /// </summary>
    public string Datacenter { get; set; } = NodeDatacenter.Default;

    /// <summary>Labels that tasks can require with constraints, e.g. Agent__Labels__disk=ssd.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>
    /// Host paths this node offers to tasks, by name: <c>Agent__HostVolumes__certs__Path=/etc/ssl/private</c>, with
    /// <c>Agent__HostVolumes__certs__ReadOnly=true</c>. A task mounts one by its name and is placed only on nodes that offer it.
    /// </summary>
    public Dictionary<string, HostVolumeOptions> HostVolumes { get; set; } = [];

    /// <summary>Lets a task turn off no-new-privileges (<c>noNewPrivileges: false</c>); off, such a task fails to start here.</summary>
    public bool AllowPrivilegeEscalation { get; set; }

    /// <summary>
    /// Where a published port with <c>hostPort: 0</c> gets its host port: the agent picks a free one in this range before
    /// it creates the container, so the task is told its port. Keep fixed host ports out of it.
    /// </summary>
    public PortRange DynamicPorts { get; set; } = new();

    /// <summary>Held back from placement for the host itself.</summary>
    public ResourceAmounts Reserved { get; set; } = new();

    /// <summary>Replaces the detected capacity, e.g. so several agents can share one host in tests.</summary>
    public ResourceAmounts Capacity { get; set; } = new();

    public sealed class HostVolumeOptions
    {
        /// <summary>The absolute path on the host.</summary>
        public string Path { get; set; } = "";

        /// <summary>Tasks may only mount it read-only.</summary>
        public bool ReadOnly { get; set; }
    }

    public sealed class PortRange
    {
        public int Min { get; set; } = 20000;

        public int Max { get; set; } = 32000;
    }

    public sealed class ResourceAmounts
    {
        public decimal? Cpu { get; set; }
        public long? MemoryMb { get; set; }
        public long? DiskMb { get; set; }
    }
}
