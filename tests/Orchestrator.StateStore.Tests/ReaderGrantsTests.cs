using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Tests;

/// <summary>What StateStore grants the Api's read-only role (<see cref="ReaderGrants"/>), against EF Core's model.</summary>
public sealed class ReaderGrantsTests
{
    private static readonly IModel Model =
        new OrchestratorDbContext(new DbContextOptionsBuilder<OrchestratorDbContext>().UseNpgsql("Host=localhost;Database=unused").Options).Model;

    [Fact]
    public void The_reader_may_select_the_tables_the_Api_reads_and_no_other()
    {
        var sql = ReaderGrants.Sql(Model, "orchestrator_reader");

        var selected = Regex.Match(sql, "GRANT SELECT ON (.+) TO orchestrator_reader;").Groups[1].Value
            .Split(", ").Select(table => table.Split('.')[1].Trim('"')).Order().ToList();
        Assert.Equal(["audit_entries", "job_revisions", "jobs", "nodes", "task_events", "tasks"], selected);
        Assert.StartsWith($"GRANT USAGE ON SCHEMA {OrchestratorDbContext.Schema} TO orchestrator_reader;", sql);
        Assert.DoesNotContain("secret", sql);
    }

    [Theory]
    [InlineData("orchestrator_reader", true)]
    [InlineData("_reader2", true)]
    [InlineData("Reader", false)]
    [InlineData("2reader", false)]
    [InlineData("reader; DROP TABLE tasks", false)]
    [InlineData("\"reader\"", false)]
    public void The_role_setting_takes_only_a_name_that_needs_no_quoting(string role, bool valid)
    {
        var options = new DatabaseOptions { ReaderRole = role };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }
}
