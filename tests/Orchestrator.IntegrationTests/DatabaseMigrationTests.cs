using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>StateStore's first start on a server with no database yet, as on a fresh install.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DatabaseMigrationTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_first_start_creates_the_database_and_its_schema_and_logs_no_error()
    {
        var database = $"fresh_{Guid.NewGuid():N}";
        var errors = new ErrorRecorder();
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["ConnectionStrings:orchestratordb"] = cluster.PostgresConnectionString(database),
            // A broker of its own, so this StateStore takes none of the cluster's messages.
            ["ConnectionStrings:messaging"] = await cluster.CreateVirtualHostAsync(database),
        };
        using var stateStore = InProcessServices.StateStore(
            configuration, new InProcessHostSettings(Environments.Production, logging => logging.AddProvider(errors)));

        await stateStore.StartAsync();
        await stateStore.StopAsync();

        Assert.True(errors.Lines.Count == 0, string.Join(Environment.NewLine, errors.Lines));
        await using var connection = new NpgsqlConnection(cluster.PostgresConnectionString(database));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orchestrator.tasks", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_database_user_named_like_the_schema_keeps_one_migration_history_and_a_second_start_applies_nothing()
    {
        // The compose deployment's user is named orchestrator, as the schema is: the user's own schema comes first in
        // Postgres's search path, so a history table named without its schema would move into it.
        var database = $"owned_{Guid.NewGuid():N}";
        const string password = "orchestrator-test";
        await cluster.ExecuteSqlAsync(
            $"DO $$ BEGIN CREATE ROLE orchestrator LOGIN PASSWORD '{password}'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        await cluster.ExecuteSqlAsync($"CREATE DATABASE {database} OWNER orchestrator");
        var connectionString = new NpgsqlConnectionStringBuilder(cluster.PostgresConnectionString(database))
        {
            Username = "orchestrator",
            Password = password,
        }.ConnectionString;
        var errors = new ErrorRecorder();
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["ConnectionStrings:orchestratordb"] = connectionString,
            ["ConnectionStrings:messaging"] = await cluster.CreateVirtualHostAsync(database),
        };

        foreach (var start in new[] { "first", "second" })
        {
            using var stateStore = InProcessServices.StateStore(
                configuration, new InProcessHostSettings(Environments.Production, logging => logging.AddProvider(errors)));
            await stateStore.StartAsync();
            await stateStore.StopAsync();
            Assert.True(errors.Lines.Count == 0, $"The {start} start: " + string.Join(Environment.NewLine, errors.Lines));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var histories = new NpgsqlCommand(
            "SELECT string_agg(table_schema, ',') FROM information_schema.tables WHERE table_name = '__EFMigrationsHistory'", connection);
        Assert.Equal("public", await histories.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_reader_role_is_granted_what_the_Api_reads_and_nothing_else_and_the_Api_answers_through_it()
    {
        var database = $"reader_{Guid.NewGuid():N}";
        var role = $"reader_{Guid.NewGuid():N}"[..24];
        const string password = "reader-test";
        await cluster.ExecuteSqlAsync($"CREATE ROLE {role} LOGIN PASSWORD '{password}'");
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["ConnectionStrings:orchestratordb"] = cluster.PostgresConnectionString(database),
            ["ConnectionStrings:messaging"] = await cluster.CreateVirtualHostAsync(database),
            ["StateStore:Database:ReaderRole"] = role,
        };
        using (var stateStore = InProcessServices.StateStore(configuration, ServiceHosts.Settings))
        {
            await stateStore.StartAsync();
            await stateStore.StopAsync();
        }

        var asReader = new NpgsqlConnectionStringBuilder(cluster.PostgresConnectionString(database)) { Username = role, Password = password }.ConnectionString;
        await using var connection = new NpgsqlConnection(asReader);
        await connection.OpenAsync();
        foreach (var table in new[] { "tasks", "task_events", "nodes", "jobs", "job_revisions", "audit_entries" })
        {
            await using var read = new NpgsqlCommand($"SELECT count(*) FROM orchestrator.{table}", connection);
            Assert.Equal(0L, await read.ExecuteScalarAsync());
        }
        foreach (var statement in new[] { "SELECT count(*) FROM orchestrator.secrets", "SELECT count(*) FROM orchestrator.data_protection_keys", "DELETE FROM orchestrator.tasks" })
        {
            await using var refused = new NpgsqlCommand(statement, connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => refused.ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }

        // The Api, logged in as the role, reads through it.
        configuration["ConnectionStrings:orchestratordb"] = asReader;
        await using var api = InProcessServices.Api(configuration, ServiceHosts.Settings);
        await api.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(api.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ReadOnlyApiKey);
        using var nodes = await client.GetAsync("/api/nodes");
        Assert.Equal(System.Net.HttpStatusCode.OK, nodes.StatusCode);
        Assert.Equal("[]", await nodes.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_reader_role_the_database_does_not_have_stops_StateStore_naming_it()
    {
        var database = $"noreader_{Guid.NewGuid():N}";
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["ConnectionStrings:orchestratordb"] = cluster.PostgresConnectionString(database),
            ["ConnectionStrings:messaging"] = await cluster.CreateVirtualHostAsync(database),
            ["StateStore:Database:ReaderRole"] = "no_such_reader",
        };
        using var stateStore = InProcessServices.StateStore(configuration, ServiceHosts.Settings);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => stateStore.StartAsync());
        Assert.Contains("StateStore:Database:ReaderRole names the role no_such_reader", error.Message);
    }

    /// <summary>Every line at Error or above, from any category: EF Core's and Npgsql's as well as the project's.</summary>
    private sealed class ErrorRecorder : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(ErrorRecorder owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                // The stack says which of StateStore's parts logged it (EF Core passes no exception with some events).
                if (IsEnabled(logLevel))
                    owner._lines.Enqueue($"{category}: {formatter(state, exception)} {exception} {Environment.StackTrace}");
            }
        }
    }
}
