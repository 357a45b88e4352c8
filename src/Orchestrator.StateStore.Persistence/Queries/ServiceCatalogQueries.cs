using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>
/// The service catalog, derived from task state: there is no table of services to keep in step. Each unfinished task
/// that offers services contributes one instance per service. The catalog's index is made of the tasks'
/// <see cref="TaskRecord.CatalogRevision"/>s, which the database sets on every write a catalog reader would see. It is
/// their count, sum and maximum, mixed: the maximum alone would miss a change that committed after a later one, as
/// a sequence's values are taken in one order and committed in another, but such a change still moves the sum.
/// </summary>
public static class ServiceCatalogQueries
{
    /// <summary>The rows of the catalog, as SQL: the filter of its partial index, and of <see cref="IndexAsync"/>.</summary>
    public static readonly string LiveFilter =
        $"\"{nameof(TaskRecord.HasServices)}\" AND \"{nameof(TaskRecord.State)}\" NOT IN ({string.Join(", ", TaskStateMachine.TerminalStates.Select(s => $"'{s}'"))})";

    public static async Task<long> IndexAsync(OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT count(*) AS "Count", coalesce(sum("{nameof(TaskRecord.CatalogRevision)}"), 0) AS "Sum",
                coalesce(max("{nameof(TaskRecord.CatalogRevision)}"), 0) AS "Max"
            FROM {db.Model.Table<TaskRecord>()} WHERE {LiveFilter}
            """;
        var row = await db.Database.SqlQueryRaw<Revisions>(sql).SingleAsync(cancellationToken);
        return IndexOf(row.Count, row.Sum, row.Max);
    }

    /// <summary>Every instance of every service, and the index of exactly these rows.</summary>
    public static async Task<ServiceCatalog> ReadAsync(OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var tasks = await db.Tasks.AsNoTracking()
            .Where(t => t.HasServices)
            .Where(TaskRecord.Unfinished)
            .Select(t => new CatalogTask(t.Id, t.Name, t.JobName, t.Spec, t.State, t.DesiredState, t.Health, t.NodeId, t.Ports, t.CatalogRevision))
            .ToListAsync(cancellationToken);
        var nodeIds = tasks.Where(t => t.NodeId is not null).Select(t => t.NodeId!.Value).Distinct().ToList();
        var nodes = await db.Nodes.AsNoTracking()
            .Where(n => nodeIds.Contains(n.Id))
            .Select(n => new { n.Id, n.Name, n.Address })
            .ToDictionaryAsync(n => n.Id, cancellationToken);
        var index = IndexOf(tasks.Count, tasks.Sum(t => (decimal)(t.Revision ?? 0)), tasks.Count == 0 ? 0 : tasks.Max(t => t.Revision ?? 0));
        var instances = tasks
            .SelectMany(task =>
            {
                var node = task.NodeId is { } id ? nodes.GetValueOrDefault(id) : null;
                return task.Spec.ServicesOrEmpty.Select(service => Instance(task, service, node?.Name, node?.Address));
            })
            .OrderBy(i => i.Service, StringComparer.Ordinal).ThenBy(i => i.TaskName, StringComparer.Ordinal)
            .ToList();
        return new ServiceCatalog(index, instances);
    }

    private static ServiceInstance Instance(CatalogTask task, Domain.Services.ServiceSpec service, string? nodeName, string? address)
    {
        var port = task.Ports.FirstOrDefault(p => p.ContainerPort == service.Port && p.Protocol == "tcp")?.HostPort;
        if (port is 0)
            port = null; // not yet bound by the engine
        var serving = task.State == TaskState.Running && task.DesiredState == DesiredState.Running &&
            (task.Spec.HealthCheck is null || task.Health == HealthStatus.Healthy);
        return new ServiceInstance(
            service.Name, task.Id, task.Name, task.JobName, task.NodeId, nodeName, address, port, service.TagsOrEmpty,
            Passing: serving && address is not null && port is not null, task.State, task.Health,
            service.Route?.Host, service.Route?.PathPrefix);
    }

    /// <summary><c>address:port</c>, with an IPv6 address in brackets.</summary>
    public static string Endpoint(string address, int port) => address.Contains(':') ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <summary>One value from the three, mixed (splitmix64's finalizer) so that nearby versions look unrelated.</summary>
    public static long IndexOf(long count, decimal sum, long max)
    {
        unchecked
        {
            var value = (ulong)count * 0x9E3779B97F4A7C15UL;
            value ^= (ulong)(long)(sum % long.MaxValue) + 0xBF58476D1CE4E5B9UL + (value << 6) + (value >> 2);
            value ^= (ulong)max + 0x94D049BB133111EBUL + (value << 6) + (value >> 2);
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
            value ^= value >> 31;
            return (long)(value & long.MaxValue);
        }
    }

    /// <summary>A row of <see cref="IndexAsync"/>'s statement.</summary>
    internal sealed class Revisions
    {
        public long Count { get; init; }
        public decimal Sum { get; init; }
        public long Max { get; init; }
    }

    private sealed record CatalogTask(
        Guid Id, string Name, string? JobName, TaskSpec Spec, TaskState State, DesiredState DesiredState, HealthStatus Health,
        Guid? NodeId, List<PortBinding> Ports, long? Revision);
}
