using System.Security.Cryptography;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Consumers.Secrets;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Secrets;
using Orchestrator.StateStore.Security;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Registries;

/// <summary>
/// Stores the credentials to pull a registry's images with, the password protected as a secret's value is: opened
/// from its seal and protected again in memory, only the protected form written. Tasks take the new credentials at
/// their next pull; nothing rolls out.
/// </summary>
public sealed class SetRegistryCredentialsConsumer(SecretVault vault, StateTransaction transaction, TaskLifecycle lifecycle)
    : IConsumer<SetRegistryCredentials>
{
    public async Task Consume(ConsumeContext<SetRegistryCredentials> context)
    {
        var command = context.Message;
        if (vault.Unavailable is { } reason)
        {
            await context.RespondAsync(new SecretsUnavailable(reason));
            return;
        }
        await transaction.AnswerAsync(context, async db =>
        {
            var (intake, publicKey) = await vault.IntakeKeyAsync(db, context.CancellationToken);
            if (!publicKey.AsSpan().SequenceEqual(command.IntakeKey))
                return new SecretRefused("the password was sealed to a key StateStore no longer uses; seal it again to the current one");
            var protectedPassword = vault.ProtectSealed(
                command.Password, intake, SecretPurposes.RegistryIntake(command.Server), RegistryRecord.Purpose(command.Server));
            var registry = await db.Registries.FindAsync([command.Server], context.CancellationToken);
            if (registry is null)
                db.Registries.Add(registry = RegistryRecord.Create(command.Server, command.Username, protectedPassword, lifecycle.Now));
            else
                registry.Replace(command.Username, protectedPassword, lifecycle.Now);
            await db.SaveChangesAsync(context.CancellationToken);
            return Describe(registry);
        });
    }

    internal static RegistryDetails Describe(RegistryRecord registry) =>
        new(registry.Server, registry.Username, registry.CreatedAt, registry.UpdatedAt);
}

public sealed class ListRegistriesConsumer(OrchestratorDbContext db) : IConsumer<ListRegistries>
{
    public async Task Consume(ConsumeContext<ListRegistries> context)
    {
        var registries = await db.Registries.AsNoTracking().OrderBy(r => r.Server).ToListAsync(context.CancellationToken);
        await context.RespondAsync(new RegistryList(registries.Select(SetRegistryCredentialsConsumer.Describe).ToList()));
    }
}

/// <summary>Forgets a registry's credentials; a task that pulls from it afterwards pulls anonymously.</summary>
public sealed class DeleteRegistryCredentialsConsumer(StateTransaction transaction) : IConsumer<DeleteRegistryCredentials>
{
    public Task Consume(ConsumeContext<DeleteRegistryCredentials> context) =>
        transaction.AnswerAsync(context, async db =>
        {
            var server = context.Message.Server;
            var registry = await db.Registries.FindAsync([server], context.CancellationToken);
            if (registry is null)
                return new RegistryNotFound(server);
            db.Registries.Remove(registry);
            return SetRegistryCredentialsConsumer.Describe(registry);
        });
}

/// <summary>
/// The credentials for a task's image's registry, for the agent of the node the task's current attempt is placed on,
/// the password sealed to the key that agent made for this one request (<see cref="AgentTaskRequest"/>).
/// </summary>
public sealed class GetPullCredentialsConsumer(SecretVault vault, OrchestratorDbContext db, ReportSenders senders, ILogger<GetPullCredentialsConsumer> logger)
    : IConsumer<GetPullCredentials>
{
    public async Task Consume(ConsumeContext<GetPullCredentials> context)
    {
        var request = context.Message;
        var refusal = await AgentTaskRequest.RefusalAsync(context, db, senders, request.TaskId, request.Attempt, request.NodeId, nameof(GetPullCredentials));
        if (refusal is not null)
        {
            logger.LogWarning("Refused the registry credentials of task {TaskId} attempt {Attempt} to node {NodeId}: {Refusal}",
                request.TaskId, request.Attempt, request.NodeId, refusal);
            await context.RespondAsync(new TaskSecretsRefused(request.TaskId, refusal));
            return;
        }
        var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == request.TaskId, context.CancellationToken);
        var server = ImageReference.Parse(task.Spec.Image).Server;
        var registry = await db.Registries.AsNoTracking().SingleOrDefaultAsync(r => r.Server == server, context.CancellationToken);
        if (registry is null)
        {
            await context.RespondAsync(new NoPullCredentials(task.Id, server));
            return;
        }
        if (vault.Unavailable is { } unavailable)
        {
            await context.RespondAsync(new TaskSecretsRefused(task.Id, unavailable));
            return;
        }
        var password = vault.Unprotect(RegistryRecord.Purpose(server), registry.ProtectedPassword);
        try
        {
            var sealedPassword = SealedValue.Seal(password, request.RecipientPublicKey, SecretPurposes.RegistryForTask(server, task.Id, request.Attempt));
            await context.RespondAsync(new PullCredentials(task.Id, server, registry.Username, sealedPassword));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }
}
