using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Secrets;

/// <summary>Which unfinished tasks (placed or not) and which jobs use each secret, read from their specs.</summary>
public sealed class SecretUsage
{
    private readonly ILookup<string, Guid> _tasks;
    private readonly ILookup<string, string> _jobs;

    private SecretUsage(ILookup<string, Guid> tasks, ILookup<string, string> jobs)
    {
        _tasks = tasks;
        _jobs = jobs;
    }

    public static async Task<SecretUsage> LoadAsync(OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var tasks = await db.Tasks.Where(TaskRecord.Unfinished).AsNoTracking().Select(t => new { t.Id, t.Spec }).ToListAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.Count > 0).Select(j => new { j.Name, j.Spec }).ToListAsync(cancellationToken);
        return new SecretUsage(
            tasks.SelectMany(t => t.Spec.SecretNames.Select(name => (name, t.Id))).ToLookup(use => use.name, use => use.Id, StringComparer.Ordinal),
            jobs.SelectMany(j => j.Spec.SecretNames.Select(name => (name, j.Name))).ToLookup(use => use.name, use => use.Name, StringComparer.Ordinal));
    }

    public IReadOnlyList<Guid> Tasks(string secret) => _tasks[secret].ToList();

    public IReadOnlyList<string> Jobs(string secret) => _jobs[secret].Order(StringComparer.Ordinal).ToList();

    /// <summary>A secret without its users, for a caller that asked only which exist.</summary>
    public static SecretDetails DescribeAlone(SecretRecord secret) =>
        new(secret.Name, secret.Version, secret.CreatedAt, secret.UpdatedAt, UsedByTasks: null, UsedByJobs: null);

    public SecretDetails Describe(SecretRecord secret) =>
        new(secret.Name, secret.Version, secret.CreatedAt, secret.UpdatedAt, Tasks(secret.Name), Jobs(secret.Name));
}
