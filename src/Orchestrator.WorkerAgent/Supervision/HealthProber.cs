using System.Net.Sockets;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Supervision;

/// <summary>One probe of a health check against the container's own address: an HTTP GET or a TCP connect.</summary>
public sealed class HealthProber(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "health-probes";

    public async Task<(bool Healthy, string Result)> ProbeAsync(HealthCheck check, string address, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(check.TimeoutSeconds));
        try
        {
            return check.Type == HealthCheckType.Tcp
                ? await ProbeTcpAsync(address, check.Port, timeout.Token)
                : await ProbeHttpAsync(address, check.Port, check.Path, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {check.TimeoutSeconds} s");
        }
        catch (Exception error) when (error is HttpRequestException or SocketException)
        {
            return (false, error.Message);
        }
    }

    private async Task<(bool, string)> ProbeHttpAsync(string address, int port, string path, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.GetAsync(new Uri($"http://{address}:{port}{path}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var code = (int)response.StatusCode;
        return (code is >= 200 and < 400, $"HTTP {code}");
    }

    private static async Task<(bool, string)> ProbeTcpAsync(string address, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address, port, cancellationToken);
        return (true, $"TCP connect to port {port} succeeded");
    }
}
