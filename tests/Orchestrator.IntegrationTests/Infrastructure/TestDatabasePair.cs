using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Postgres as a primary and a hot standby that streams the primary's WAL, in containers of their own on a Docker
/// network of its own, each published on a loopback port of its own; and what the fault tests do to them: kill the
/// primary (SIGKILL), promote the standby, and see that the standby has caught up.
/// </summary>
public sealed class TestDatabasePair : IAsyncDisposable
{
    private const string PrimaryHost = "postgres-primary";
    private const string ReplicationUser = "replicator";

    private readonly DockerClient _docker;
    private readonly INetwork _network;
    private readonly PostgreSqlContainer _primary;
    private readonly PostgreSqlContainer _standby;
    private readonly int _primaryPort = ClusterFixtureBase.FreeLoopbackPort();
    private readonly int _standbyPort = ClusterFixtureBase.FreeLoopbackPort();

    public TestDatabasePair(DockerClient docker)
    {
        _docker = docker;
        _network = new NetworkBuilder().WithName($"orchestrator-postgres-{Guid.NewGuid():N}").Build();
        var replicationPassword = Guid.NewGuid().ToString("N");
        PostgreSqlBuilder Server(string host, int port) => new PostgreSqlBuilder()
            .WithImage(TestImages.Postgres)
            .WithNetwork(_network)
            .WithNetworkAliases(host)
            .WithEnvironment("POSTGRES_REPLICATION_USER", ReplicationUser)
            .WithEnvironment("POSTGRES_REPLICATION_PASSWORD", replicationPassword)
            .WithPortBinding(port, PostgreSqlBuilder.PostgreSqlPort)
            .WithCreateParameterModifier(LoopbackPorts.Only);
        // Synchronous replication: a commit is acknowledged once the standby has it, so a promotion loses no task
        // the Api accepted. Given on the primary's command line only (the later flags win over Testcontainers'
        // synchronous_commit=off), not in its configuration, which the standby copies: a promoted standby then
        // waits for no standby of its own.
        _primary = Server(PrimaryHost, _primaryPort)
            .WithCommand("-c", "synchronous_commit=on", "-c", "synchronous_standby_names=*")
            .Build();
        // A copy of the primary, users and databases included, made by the image's entrypoint on its first start.
        _standby = Server("postgres-standby", _standbyPort).WithEnvironment("POSTGRES_PRIMARY_HOST", PrimaryHost).Build();
    }

    /// <summary>Starts both (the standby waits for the primary by itself) and returns once the standby streams.</summary>
    public async Task StartAsync()
    {
        await _network.CreateAsync();
        await Task.WhenAll(_primary.StartAsync(), _standby.StartAsync());
        await Poll.UntilAsync(async () =>
            await ScalarAsync<long>(PrimaryConnectionString, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1);
    }

    /// <summary>
    /// Both servers in one Npgsql connection string (<c>Host=127.0.0.1:P1,127.0.0.1:P2</c>) with
    /// <c>Target Session Attributes=read-write</c>: a client connects to whichever of them takes writes, the standby
    /// once it has been promoted.
    /// </summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_primary.GetConnectionString())
    {
        Host = $"127.0.0.1:{_primaryPort},127.0.0.1:{_standbyPort}",
        TargetSessionAttributes = "read-write",
    }.ConnectionString;

    /// <summary>The primary alone.</summary>
    public string PrimaryConnectionString => _primary.GetConnectionString();

    /// <summary>The standby alone: read-only until promoted.</summary>
    public string StandbyConnectionString => _standby.GetConnectionString();

    /// <summary>Kills the primary's container with SIGKILL, as a machine lost at once; it stays down.</summary>
    public async Task KillPrimaryAsync()
    {
        await _docker.Containers.KillContainerAsync(_primary.Id, new ContainerKillParameters { Signal = "KILL" });
        await Poll.UntilAsync(async () => !(await _docker.Containers.InspectContainerAsync(_primary.Id)).State.Running);
    }

    /// <summary>Promotes the standby (<c>pg_promote()</c>, which waits for it) and returns once it takes writes.</summary>
    public async Task PromoteStandbyAsync()
    {
        Assert.True(await ScalarAsync<bool>(StandbyConnectionString, "SELECT pg_promote()"), "pg_promote() did not finish within its 60 s");
        await Poll.UntilAsync(async () => !await ScalarAsync<bool>(StandbyConnectionString, "SELECT pg_is_in_recovery()"));
    }

    /// <summary>Runs a statement on whichever server takes writes (<see cref="ConnectionString"/>).</summary>
    public Task ExecuteSqlAsync(string sql) => ScalarAsync<object>(ConnectionString, sql);

    /// <summary>The first column of the first row a query returns on whichever server takes writes.</summary>
    public Task<T?> ScalarAsync<T>(string sql) => ScalarAsync<T>(ConnectionString, sql);

    /// <summary>The first column of the first row a query returns on the standby, e.g. to see a replicated row.</summary>
    public Task<T?> StandbyScalarAsync<T>(string sql) => ScalarAsync<T>(StandbyConnectionString, sql);

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task WaitForStandbyReplayAsync()
    {
        var written = await ScalarAsync<string>(PrimaryConnectionString, "SELECT pg_current_wal_lsn()::text");
        await Poll.UntilAsync(async () =>
            await ScalarAsync<bool>(StandbyConnectionString, $"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn"));
    }

    /// <summary>A connection of its own, never pooled: a pooled one may have died with a server killed since.</summary>
    private static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(unpooled.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_primary.DisposeAsync().AsTask(), _standby.DisposeAsync().AsTask());
        await _network.DisposeAsync();
    }
}
