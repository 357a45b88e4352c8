using Docker.DotNet;
using Docker.DotNet.Models;
using Testcontainers.PostgreSql;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The test cluster's Postgres, in a container of its own, and what tests do to it: stop, start and restart it, reach
/// another database on the same server, and run a statement behind StateStore's back.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly DockerClient _docker;
    private readonly PostgreSqlContainer _container;
    private readonly TestTls? _tls;

    /// <param name="hostPort">A loopback port to publish the server on, kept across restarts; null lets the engine pick.</param>
    /// <param name="tls">The certificates of a server that takes TLS connections only; null for plain connections.</param>
    public TestDatabase(DockerClient docker, int? hostPort, TestTls? tls = null)
    {
        _docker = docker;
        _tls = tls;
        var builder = new PostgreSqlBuilder().WithImage(TestImages.Postgres);
        if (hostPort is { } port)
            builder = builder.WithPortBinding(port, PostgreSqlBuilder.PostgreSqlPort);
        if (tls is not null)
            builder = builder
                .WithResourceMapping(System.Text.Encoding.ASCII.GetBytes(tls.ServerCertificatePem), "/certs/server.crt")
                .WithResourceMapping(System.Text.Encoding.ASCII.GetBytes(tls.ServerKeyPem), "/certs/server.key")
                .WithResourceMapping(System.Text.Encoding.ASCII.GetBytes(TlsOnly), "/docker-entrypoint-initdb.d/tls.sh");
        _container = builder.Build();
    }

    /// <summary>
    /// Run as the database user when the server is first made: the key where Postgres takes it (its owner's, mode
    /// 600), TLS on, and every connection over TCP that is not TLS refused.
    /// </summary>
    private const string TlsOnly = """
        cp /certs/server.crt /certs/server.key "$PGDATA/"
        chmod 600 "$PGDATA/server.key"
        printf "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n" >> "$PGDATA/postgresql.conf"
        sed -i 's/^host all all all/hostssl all all all/' "$PGDATA/pg_hba.conf"
        printf 'hostnossl all all all reject\n' >> "$PGDATA/pg_hba.conf"
        """;

    public Task StartAsync() => _container.StartAsync();

    /// <summary>For a TLS server, with the server's certificate and name verified against the cluster's authority.</summary>
    public string ConnectionString => _tls is null
        ? _container.GetConnectionString()
        : new Npgsql.NpgsqlConnectionStringBuilder(_container.GetConnectionString())
        {
            Host = TestTls.ServerName,
            SslMode = Npgsql.SslMode.VerifyFull,
            RootCertificate = _tls.CaFile,
        }.ConnectionString;

    /// <summary>The same server's <paramref name="database"/>.</summary>
    public string ConnectionStringOf(string database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(_container.GetConnectionString()) { Database = database }.ConnectionString;

    /// <summary>Restarts the container and waits until it accepts connections again.</summary>
    public async Task RestartAsync()
    {
        await _docker.Containers.RestartContainerAsync(_container.Id, new ContainerRestartParameters { WaitBeforeKillSeconds = 30 });
        await WaitUntilReadyAsync();
    }

    /// <summary>Stops the container (a fast shutdown), leaving it down until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() =>
        _docker.Containers.StopContainerAsync(_container.Id, new ContainerStopParameters { WaitBeforeKillSeconds = 30 });

    /// <summary>Starts the stopped container again and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await _docker.Containers.StartContainerAsync(_container.Id, new ContainerStartParameters());
        await WaitUntilReadyAsync();
    }

    private Task WaitUntilReadyAsync() =>
        Poll.UntilAsync(async () => (await _container.ExecAsync(["pg_isready", "--host", "localhost"])).ExitCode == 0);

    /// <summary>Runs a statement on the cluster's database, to stage what only a fault would otherwise leave behind.</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        // A connection of its own, not a pooled one: a pooled connection left from an earlier statement would have
        // died with a database restart staged by another test in between.
        var unpooled = new Npgsql.NpgsqlConnectionStringBuilder(_container.GetConnectionString()) { Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(unpooled.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Everything the server holds, as <c>pg_dumpall</c> writes it: what an attacker with a copy of the database sees.</summary>
    public async Task<string> DumpAllAsync()
    {
        var user = new Npgsql.NpgsqlConnectionStringBuilder(_container.GetConnectionString()).Username;
        var dump = await _container.ExecAsync(["pg_dumpall", "--username", user!]);
        if (dump.ExitCode != 0)
            throw new InvalidOperationException($"pg_dumpall failed: {dump.Stderr}");
        return dump.Stdout;
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
