using System.Security.Cryptography;
using System.Text;
using Docker.DotNet.Models;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// Asks StateStore for the credentials of a task's image's registry before a pull, with a key made for this one
/// request (as <see cref="BusTaskSecrets"/> does): the password crosses the bus sealed to it, and opens for no one else.
/// </summary>
public sealed class BusPullCredentials(IClientFactory clients, NodeIdentity node) : IPullCredentials
{
    /// <summary>StateStore's queue for these requests, reached through its exchange, which an agent's broker user may write.</summary>
    public static readonly Uri Address = new("exchange:get-pull-credentials");

    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 30);

    public async Task<AuthConfig?> ForAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        using var key = SealedValue.NewRecipientKey();
        var request = new GetPullCredentials(launch.TaskId, launch.Attempt, node.Id, SealedValue.PublicKeyOf(key));
        Response<PullCredentials, NoPullCredentials, TaskSecretsRefused> response;
        try
        {
            response = await clients.CreateRequestClient<GetPullCredentials>(Address, Timeout)
                .GetResponse<PullCredentials, NoPullCredentials, TaskSecretsRefused>(request, cancellationToken);
        }
        catch (RequestTimeoutException error)
        {
            throw new ContainerStartException("StateStore did not answer for the image registry's credentials within 30 s", error);
        }
        if (response.Is(out Response<TaskSecretsRefused>? refused))
            throw new ContainerStartException($"the image registry's credentials were refused: {refused.Message.Reason}");
        if (!response.Is(out Response<PullCredentials>? credentials))
            return null;
        var (server, username) = (credentials.Message.Server, credentials.Message.Username);
        byte[] password;
        try
        {
            password = credentials.Message.Password.Open(key, SecretPurposes.RegistryForTask(server, launch.TaskId, launch.Attempt));
        }
        catch (CryptographicException error)
        {
            throw new ContainerStartException($"the password for registry {server} did not open with the key this agent sent for it", error);
        }
        try
        {
            return new AuthConfig { ServerAddress = server, Username = username, Password = Encoding.UTF8.GetString(password) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }
}
