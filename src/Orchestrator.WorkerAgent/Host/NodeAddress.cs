using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Orchestrator.WorkerAgent.Host;

/// <summary>
/// The address other hosts reach this node's published ports at: <see cref="AgentOptions.Address"/>, else the first
/// IPv4 address of an interface that is up and is neither loopback nor a container bridge, else the host name.
/// </summary>
public static class NodeAddress
{
    /// <summary>An interface as the choice sees it.</summary>
    public sealed record Interface(string Name, bool Up, bool Loopback, IReadOnlyList<IPAddress> Addresses);

    public static string Of(AgentOptions options) =>
        !string.IsNullOrWhiteSpace(options.Address) ? options.Address.Trim() : Choose(HostInterfaces()) ?? Dns.GetHostName();

    /// <summary>The first IPv4 address of an up, non-loopback interface that no container engine made; null if none.</summary>
    public static string? Choose(IEnumerable<Interface> interfaces) =>
        interfaces
            .Where(i => i.Up && !i.Loopback && !IsContainerBridge(i.Name))
            .SelectMany(i => i.Addresses)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            ?.ToString();

    /// <summary>Docker's bridges and the veth ends of its containers: their addresses are not reachable from other hosts.</summary>
    private static bool IsContainerBridge(string name) =>
        name == "docker0" || name.StartsWith("br-", StringComparison.Ordinal) || name.StartsWith("veth", StringComparison.Ordinal)
        || name.StartsWith("cni", StringComparison.Ordinal) || name.StartsWith("flannel", StringComparison.Ordinal);

    private static IEnumerable<Interface> HostInterfaces() =>
        NetworkInterface.GetAllNetworkInterfaces().Select(i => new Interface(
            i.Name,
            i.OperationalStatus == OperationalStatus.Up,
            i.NetworkInterfaceType == NetworkInterfaceType.Loopback,
            i.GetIPProperties().UnicastAddresses.Select(u => u.Address).ToList()));
}
