using System.Security.Cryptography;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Secrets;
using Orchestrator.StateStore.Security;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Secrets;

/// <summary>The key the Api seals a secret's value to before it crosses the bus.</summary>
public sealed class GetSecretIntakeKeyConsumer(SecretVault vault, OrchestratorDbContext db) : IConsumer<GetSecretIntakeKey>
{
    public async Task Consume(ConsumeContext<GetSecretIntakeKey> context)
    {
        if (vault.Unavailable is { } reason)
        {
            await context.RespondAsync(new SecretsUnavailable(reason));
            return;
        }
        var (_, publicKey) = await vault.IntakeKeyAsync(db, context.CancellationToken);
        await context.RespondAsync(new SecretIntakeKey(publicKey));
    }
}

/// <summary>
/// Stores a secret's new value, protected, and rolls out every job that uses it. The value is opened from its seal
/// and protected again in memory; only the protected form is written.
/// </summary>
public sealed class SetSecretConsumer(SecretVault vault, StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle)
    : IConsumer<SetSecret>
{
    public async Task Consume(ConsumeContext<SetSecret> context)
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
                return new SecretRefused("the value was sealed to a key StateStore no longer uses; seal it again to the current one");
            var protectedValue = vault.ProtectSealed(command.Value, intake, SecretPurposes.Intake(command.Name), command.Name);
            var secret = await db.Secrets.FindAsync([command.Name], context.CancellationToken);
            if (secret is null)
                db.Secrets.Add(secret = SecretRecord.Create(command.Name, protectedValue, lifecycle.Now));
            else
            {
                secret.Replace(protectedValue, lifecycle.Now);
                await RollOutJobsAsync(db, secret, context.CancellationToken);
            }
            await db.SaveChangesAsync(context.CancellationToken);
            return (await SecretUsage.LoadAsync(db, context.CancellationToken)).Describe(secret);
        });
    }

    private async Task RollOutJobsAsync(OrchestratorDbContext db, SecretRecord secret, CancellationToken cancellationToken)
    {
        var usage = await SecretUsage.LoadAsync(db, cancellationToken);
        foreach (var name in usage.Jobs(secret.Name))
        {
            if (await reconciler.LockAsync(name, cancellationToken) is not { } job)
                continue;
            job.RollOutForSecret(secret.Name, secret.Version, lifecycle.Now);
            await reconciler.ReconcileAsync(job, cancellationToken);
        }
    }
}

public sealed class ListSecretsConsumer(OrchestratorDbContext db) : IConsumer<ListSecrets>
{
    public async Task Consume(ConsumeContext<ListSecrets> context)
    {
        var secrets = await db.Secrets.AsNoTracking().OrderBy(s => s.Name).ToListAsync(context.CancellationToken);
        if (!context.Message.WithUsage)
        {
            await context.RespondAsync(new SecretList(secrets.Select(SecretUsage.DescribeAlone).ToList()));
            return;
        }
        var usage = await SecretUsage.LoadAsync(db, context.CancellationToken);
        await context.RespondAsync(new SecretList(secrets.Select(usage.Describe).ToList()));
    }
}

/// <summary>Removes a secret nothing uses: no live task, and no job that would start one.</summary>
public sealed class DeleteSecretConsumer(StateTransaction transaction) : IConsumer<DeleteSecret>
{
    public Task Consume(ConsumeContext<DeleteSecret> context)
    {
        var name = context.Message.Name;
        return transaction.AnswerAsync(context, async db =>
        {
            var secret = await db.Secrets.FindAsync([name], context.CancellationToken);
            if (secret is null)
                return new SecretNotFound(name);
            var usage = await SecretUsage.LoadAsync(db, context.CancellationToken);
            var (tasks, jobs) = (usage.Tasks(name), usage.Jobs(name));
            if (tasks.Count > 0 || jobs.Count > 0)
                return new SecretInUse(name, InUse(name, tasks, jobs));
            db.Secrets.Remove(secret);
            await db.SaveChangesAsync(context.CancellationToken);
            return usage.Describe(secret);
        });
    }

    private static string InUse(string name, IReadOnlyList<Guid> tasks, IReadOnlyList<string> jobs)
    {
        var users = new List<string>();
        if (jobs.Count > 0)
            users.Add($"job{(jobs.Count > 1 ? "s" : "")} {string.Join(", ", jobs)}");
        if (tasks.Count > 0)
            users.Add($"{tasks.Count} live task{(tasks.Count > 1 ? "s" : "")} ({string.Join(", ", tasks.Take(5).Select(id => id.ToString("N")[..12]))}{(tasks.Count > 5 ? ", ..." : "")})");
        return $"Secret {name} is used by {string.Join(" and ", users)}; stop them or change their specs first.";
    }
}

/// <summary>
/// The values of a task's secrets, for the agent of the node the task's current attempt is placed on, sealed to the
/// key that agent made for this one request. Any other asker is refused: another node's agent, a finished task, an
/// attempt that is not the current one.
/// </summary>
public sealed class GetTaskSecretsConsumer(SecretVault vault, OrchestratorDbContext db, ReportSenders senders, ILogger<GetTaskSecretsConsumer> logger)
    : IConsumer<GetTaskSecrets>
{
    public async Task Consume(ConsumeContext<GetTaskSecrets> context)
    {
        var request = context.Message;
        var refusal = await RefusalAsync(context);
        if (refusal is not null)
        {
            logger.LogWarning("Refused the secrets of task {TaskId} attempt {Attempt} to node {NodeId}: {Refusal}",
                request.TaskId, request.Attempt, request.NodeId, refusal);
            await context.RespondAsync(new TaskSecretsRefused(request.TaskId, refusal));
            return;
        }
        var task = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == request.TaskId, context.CancellationToken);
        var names = task.Spec.SecretNames;
        var secrets = await db.Secrets.AsNoTracking().Where(s => names.Contains(s.Name)).ToListAsync(context.CancellationToken);
        var missing = names.Except(secrets.Select(s => s.Name)).ToList();
        if (missing.Count > 0)
        {
            await context.RespondAsync(new TaskSecretsRefused(request.TaskId, $"no secret named {string.Join(", ", missing)}"));
            return;
        }
        var values = new Dictionary<string, SealedValue>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            var value = vault.Unprotect(secret.Name, secret.ProtectedValue);
            try
            {
                values[secret.Name] = SealedValue.Seal(value, request.RecipientPublicKey, SecretPurposes.ForTask(secret.Name, task.Id, request.Attempt));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(value);
            }
        }
        await context.RespondAsync(new TaskSecretValues(task.Id, values));
    }

    private async Task<string?> RefusalAsync(ConsumeContext<GetTaskSecrets> context)
    {
        var request = context.Message;
        return vault.Unavailable
            ?? await AgentTaskRequest.RefusalAsync(context, db, senders, request.TaskId, request.Attempt, request.NodeId, nameof(GetTaskSecrets));
    }
}

/// <summary>
/// Who may have what a task's start needs from StateStore (its secrets, its registry's credentials): the agent of the
/// node the task's current attempt is placed on, while the task lives. Another node's agent, a finished task or an
/// attempt that is not the current one is refused.
/// </summary>
public static class AgentTaskRequest
{
    /// <summary>Null when the request may be answered; otherwise why not.</summary>
    public static async Task<string?> RefusalAsync(
        ConsumeContext context, OrchestratorDbContext db, ReportSenders senders, Guid taskId, int attempt, Guid nodeId, string request)
    {
        if (!senders.Allows(context, nodeId, request))
            return $"the request was not sent by node {nodeId}'s agent";
        var task = await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, context.CancellationToken);
        if (task is null)
            return "no such task";
        if (task.NodeId != nodeId || task.Attempt != attempt)
            return $"the task's attempt {attempt} is not placed on node {nodeId}";
        if (task.IsTerminal)
            return $"the task is {task.State}";
        return null;
    }
}
