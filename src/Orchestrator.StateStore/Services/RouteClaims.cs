using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Services;

/// <summary>
/// A gateway route (host and path prefix) belongs to one job: two jobs that both claimed it would split its traffic
/// between unrelated tasks. A job applied with a route another job holds is refused, naming that job.
/// </summary>
public static class RouteClaims
{
    private static string? _othersSql;

    /// <summary>
    /// Why the <paramref name="claims"/> (the jobs a request creates or changes, each with its new task spec) cannot
    /// have their routes, or null. <paramref name="applying"/> names every job the request writes, which do not conflict
    /// with their own old specs.
    /// </summary>
    public static async Task<string?> ConflictAsync(
        OrchestratorDbContext db, IReadOnlyList<(string Job, TaskSpec Spec)> claims, IReadOnlyCollection<string> applying,
        CancellationToken cancellationToken)
    {
        var wanted = claims
            .SelectMany(claim => RoutesOf(claim.Spec).Select(route => (claim.Job, Route: route)))
            .ToList();
        if (wanted.Count == 0)
            return null;
        foreach (var same in wanted.GroupBy(w => w.Route.Key).Where(g => g.Select(w => w.Job).Distinct().Count() > 1))
            return $"the route {Describe(same.First().Route)} is claimed by both {string.Join(" and ", same.Select(w => w.Job).Distinct())}";

        // Two requests that claim one route for two jobs at once: the second waits for the first to commit, then sees it.
        foreach (var key in wanted.Select(w => w.Route.Key).Distinct().Order(StringComparer.Ordinal))
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))", [$"route:{key}"], cancellationToken);

        // A periodic job's runs are jobs of its spec: they hold its routes, not another job's.
        var names = applying.ToArray();
        var others = await db.Jobs.FromSqlRaw(_othersSql ??= OthersSql(db.Model), [names])
            .AsNoTracking()
            .Select(j => new { j.Name, j.Spec })
            .ToListAsync(cancellationToken);
        var held = others
            .SelectMany(other => RoutesOf(other.Spec).Select(route => (route.Key, other.Name)))
            .ToLookup(h => h.Key, h => h.Name);
        foreach (var (job, route) in wanted)
            if (held[route.Key].FirstOrDefault() is { } holder)
                return $"the route {Describe(route)} belongs to job {holder}; job {job} cannot claim it too";
        return null;
    }

    /// <summary>The jobs that declare a route, but for those named in {0} and their runs.</summary>
    public static string OthersSql(IModel model)
    {
        var (name, parent, spec) = (nameof(JobRecord.Name), nameof(JobRecord.ParentJob), nameof(JobRecord.Spec));
        return $$"""
            SELECT * FROM {{model.Table<JobRecord>()}}
            WHERE jsonb_path_exists("{{spec}}", '$.services[*].route.host')
                AND NOT ("{{name}}" = ANY({0})) AND NOT coalesce("{{parent}}" = ANY({0}), false)
            """;
    }

    private static IEnumerable<Domain.Services.ServiceRoute> RoutesOf(TaskSpec spec) =>
        spec.ServicesOrEmpty.Select(service => service.Route).OfType<Domain.Services.ServiceRoute>();

    private static string Describe(Domain.Services.ServiceRoute route) => $"{route.Host}{route.PathPrefix}";
}
