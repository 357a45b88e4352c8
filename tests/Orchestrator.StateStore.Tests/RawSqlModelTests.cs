using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Heartbeats;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Services;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Tests;

/// <summary>
/// The statements StateStore writes in SQL for speed name the tables and columns EF Core's model maps: a renamed
/// property or column fails here, not in a heartbeat. The model is built with Npgsql, as StateStore builds it; no
/// database is needed.
/// </summary>
public sealed class RawSqlModelTests
{
    private static readonly IModel Model =
        new OrchestratorDbContext(new DbContextOptionsBuilder<OrchestratorDbContext>().UseNpgsql("Host=localhost;Database=unused").Options).Model;

    public static TheoryData<string, string> Statements() => new()
    {
        { "nodes", KnownNodeRefresh.Sql(Model) },
        { "tasks", TaskProbes.RecordNewestSql(Model) },
        { "tasks", TaskProbes.ForgetVerdictSql(Model) },
        { "nodes", PlaceTasksConsumer.LockNodesSql(Model) },
        { "tasks", GetPlacementWorkConsumer.BehindSql(Model) },
        { "tasks", TaskQueries.BeforeSql(Model) },
        { "jobs", JobReconciler.LockSql(Model) },
        { "outbox_messages", OutboxDispatcher.ClaimSql(Model) },
        { "leases", LeaseKeeper.TakeSql(Model) },
        { "leases", SchedulerShares.JoinSql(Model) },
        { "jobs", RouteClaims.OthersSql(Model) },
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public void Every_quoted_name_in_a_statement_is_a_column_of_its_table(string table, string sql)
    {
        var columns = Columns(table);

        var quoted = QuotedNames(sql).Where(name => name != table && name != "Value").ToList();

        Assert.NotEmpty(quoted);
        Assert.All(quoted, name => Assert.Contains(name, columns));
        Assert.Contains($"{OrchestratorDbContext.Schema}.\"{table}\"", sql);
    }

    [Fact]
    public void A_heartbeat_refreshes_every_column_of_a_node_but_its_identity_status_and_history()
    {
        var sql = KnownNodeRefresh.Sql(Model);
        var set = sql[sql.IndexOf(" SET", StringComparison.Ordinal)..sql.IndexOf("FROM beat", StringComparison.Ordinal)];
        var assigned = Regex.Matches(set, "\"([^\"]+)\" = ").Select(match => match.Groups[1].Value).ToHashSet();

        var expected = Columns("nodes").Except(["Id", "Status", "RegisteredAt", "DownSince"]).ToHashSet();

        Assert.Equal(expected.Order(), assigned.Order());
    }

    [Fact]
    public void A_property_the_model_does_not_map_fails_when_the_statement_is_built()
    {
        Assert.Throws<InvalidOperationException>(() => Model.Column<TaskRecord>(nameof(TaskRecord.StoppedBy)));
        Assert.Equal("\"Capacity_Cpu\"", Model.Column<NodeRecord>(nameof(NodeRecord.Capacity), "Cpu"));
    }

    private static HashSet<string> Columns(string table) =>
        Model.GetRelationalModel().FindTable(table, OrchestratorDbContext.Schema)!.Columns.Select(column => column.Name).ToHashSet();

    private static IEnumerable<string> QuotedNames(string sql) =>
        Regex.Matches(sql, "\"([^\"]+)\"").Select(match => match.Groups[1].Value).Distinct();
}
