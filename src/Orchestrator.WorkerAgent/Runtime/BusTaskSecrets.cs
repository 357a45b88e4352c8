using System.Security.Cryptography;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// Asks StateStore for a task's secret values at the start of an attempt, with a key made for this one request and
/// never stored: StateStore seals each value to it, so the bus and the broker's disk see only ciphertext, and a
/// response read by anyone else opens for no one.
/// </summary>
public sealed class BusTaskSecrets(IClientFactory clients, NodeIdentity node) : ITaskSecrets
{
    /// <summary>StateStore's queue for these requests, reached through its exchange, which is all an agent's broker user may write.</summary>
    public static readonly Uri Address = new("exchange:get-task-secrets");

    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 30);

    public async Task<IReadOnlyDictionary<string, byte[]>> FetchAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        if (launch.Spec.SecretNames.Count == 0)
            return new Dictionary<string, byte[]>();
        using var key = SealedValue.NewRecipientKey();
        var request = new GetTaskSecrets(launch.TaskId, launch.Attempt, node.Id, SealedValue.PublicKeyOf(key));
        Response<TaskSecretValues, TaskSecretsRefused> response;
        try
        {
            response = await clients.CreateRequestClient<GetTaskSecrets>(Address, Timeout)
                .GetResponse<TaskSecretValues, TaskSecretsRefused>(request, cancellationToken);
        }
        catch (RequestTimeoutException error)
        {
            throw new ContainerStartException("StateStore did not answer for the task's secrets within 30 s", error);
        }
        if (response.Is(out Response<TaskSecretsRefused>? refused))
            throw new ContainerStartException($"the task's secrets were refused: {refused.Message.Reason}");
        response.Is(out Response<TaskSecretValues>? values);
        try
        {
            return values!.Message.Values.ToDictionary(
                pair => pair.Key,
                pair => pair.Value.Open(key, SecretPurposes.ForTask(pair.Key, launch.TaskId, launch.Attempt)),
                StringComparer.Ordinal);
        }
        catch (CryptographicException error)
        {
            throw new ContainerStartException("a secret's value did not open with the key this agent sent for it", error);
        }
    }
}
