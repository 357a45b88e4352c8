namespace Orchestrator.Domain.Tasks;

/// <summary>A port on a node's own address, for one protocol: 53/tcp and 53/udp are two ports.</summary>
public readonly record struct HostPort(int Port, string Protocol)
{
    public static HostPort Of(int port, string protocol) => new(port, protocol.ToLowerInvariant());

    public override string ToString() => $"{Port}/{Protocol}";
}
