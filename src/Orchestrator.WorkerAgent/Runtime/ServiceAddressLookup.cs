using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Services;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>The addresses of the services a task calls (<c>upstreams</c>), asked of the control plane at the task's start.</summary>
public interface IServiceAddressLookup
{
    /// <exception cref="ContainerStartException">The control plane did not answer.</exception>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindAsync(IReadOnlyList<string> services, CancellationToken cancellationToken);
}

/// <summary>Asks StateStore over the bus, on the exchange of its consumer, which an agent's broker user may write.</summary>
public sealed class BusServiceAddressLookup(IClientFactory clients) : IServiceAddressLookup
{
    public static readonly Uri Address = new("exchange:get-service-addresses");

    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 30);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindAsync(IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        try
        {
            var response = await clients.CreateRequestClient<GetServiceAddresses>(Address, Timeout)
                .GetResponse<ServiceAddresses>(new GetServiceAddresses(services), cancellationToken);
            return response.Message.Addresses;
        }
        catch (RequestTimeoutException error)
        {
            throw new ContainerStartException("StateStore did not answer for the addresses of the task's upstreams within 30 s", error);
        }
    }

    /// <summary>
    /// The launch with a variable per upstream, <c>ORCHESTRATOR_SERVICE_&lt;NAME&gt;</c>: its passing instances as
    /// <c>address:port</c>, comma-separated, empty when it has none.
    /// </summary>
    public static ContainerLaunch WithAddresses(ContainerLaunch launch, IReadOnlyDictionary<string, IReadOnlyList<string>> addresses)
    {
        var env = new Dictionary<string, string>(launch.Spec.Env ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var service in launch.Spec.UpstreamsOrEmpty)
            env[ServiceSpecValidator.AddressVariable(service)] = string.Join(',', addresses.GetValueOrDefault(service) ?? []);
        return launch with { Spec = launch.Spec with { Env = env } };
    }
}
