using Microsoft.EntityFrameworkCore;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Tests;

/// <summary>The one definition of an unfinished task, as the SQL it becomes; built with Npgsql, no database.</summary>
public sealed class TaskQueriesTests
{
    private static OrchestratorDbContext Context() =>
        new(new DbContextOptionsBuilder<OrchestratorDbContext>().UseNpgsql("Host=localhost;Database=unused").Options);

    [Fact]
    public void Live_tasks_are_the_unfinished_ones_with_a_node()
    {
        using var db = Context();

        var sql = db.LiveTasks().ToQueryString();

        Assert.Contains("""t."State" NOT IN ('Completed', 'Failed')""", sql);
        Assert.Contains("""t."NodeId" IS NOT NULL""", sql);
    }

    [Fact]
    public void A_jobs_unfinished_tasks_are_the_same_states()
    {
        using var db = Context();

        var sql = db.UnfinishedJobTasks("web").ToQueryString();

        Assert.Contains("""t."State" NOT IN ('Completed', 'Failed')""", sql);
        Assert.Contains("""t."JobName" IS NOT NULL""", sql);
    }
}
