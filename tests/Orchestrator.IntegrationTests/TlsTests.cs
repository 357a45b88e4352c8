using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// A cluster with <c>Tls:Required</c>, with an authority of its own: a task runs with every hop over TLS (the Api over
/// https, each service to the broker over amqps, each to Postgres with its certificate verified), and each hop refuses
/// a plaintext peer or one that cannot prove itself.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TlsClusterCollection : ICollectionFixture<TlsClusterFixture>
{
    public const string Name = "TLS cluster";
}

public sealed class TlsClusterFixture : ClusterFixtureBase
{
    public TestTls Certificates { get; } = new();

    protected override IReadOnlyList<string> AgentNames => ["tls-node"];

    protected override TestTls? Tls => Certificates;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Certificates.Dispose();
    }
}

[Collection(TlsClusterCollection.Name)]
public sealed class TlsTests(TlsClusterFixture cluster)
{
    [Fact]
    public async Task A_task_runs_with_every_hop_over_tls()
    {
        Assert.Equal(Uri.UriSchemeHttps, cluster.Api.BaseAddress!.Scheme);

        var task = await cluster.SubmitAsync(new { name = "over-tls", image = TestImages.Workload, command = new[] { "sleep", "60" } });
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        // Every service's connection to the broker (StateStore, the Scheduler, the Api, the agent) is TLS.
        var broker = await cluster.BrokerConnectionsOverTlsAsync();
        Assert.True(broker.Count >= 4, $"the broker lists {broker.Count} connections");
        Assert.All(broker, Assert.True);
        // And every connection to the cluster's database but this one, which asks.
        await using (var connection = new NpgsqlConnection(cluster.Configuration["ConnectionStrings:orchestratordb"]))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand(
                "SELECT s.ssl, count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = current_database() GROUP BY s.ssl",
                connection);
            await using var rows = await query.ExecuteReaderAsync();
            var counts = new Dictionary<bool, long>();
            while (await rows.ReadAsync())
                counts[rows.GetBoolean(0)] = rows.GetInt64(1);
            Assert.False(counts.ContainsKey(false), $"{counts.GetValueOrDefault(false)} connections without TLS");
            Assert.True(counts.GetValueOrDefault(true) >= 2);
        }
        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task The_database_refuses_a_plaintext_client_and_a_client_refuses_a_server_it_cannot_verify()
    {
        var verified = new NpgsqlConnectionStringBuilder(cluster.Configuration["ConnectionStrings:orchestratordb"]) { Pooling = false };

        var plaintext = new NpgsqlConnectionStringBuilder(verified.ConnectionString) { SslMode = SslMode.Disable };
        var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(plaintext));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, refused.SqlState);

        var stranger = new NpgsqlConnectionStringBuilder(verified.ConnectionString) { RootCertificate = cluster.Certificates.StrangerCaFile };
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => OpenAsync(stranger));

        await OpenAsync(verified);

        static async Task OpenAsync(NpgsqlConnectionStringBuilder settings)
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync();
        }
    }

    [Fact]
    public async Task The_services_refuse_a_broker_they_cannot_verify()
    {
        await HandshakeAsync(cluster.Certificates.CaFile);

        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(cluster.Certificates.StrangerCaFile));

        async Task HandshakeAsync(string caFile)
        {
            // The validation every service's bus connection uses, against the broker's own TLS listener.
            var validate = ClusterTls.ServerValidator(new ClusterTlsOptions { CaFile = caFile });
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", cluster.BrokerTlsPort);
            await using var tls = new SslStream(tcp.GetStream(), false, validate);
            await tls.AuthenticateAsClientAsync(TestTls.ServerName);
        }
    }

    [Fact]
    public async Task A_client_that_cannot_verify_the_api_gets_no_answer()
    {
        using var stranger = new HttpClient(TestTls.TrustingOnly(cluster.Certificates.StrangerCaFile)) { BaseAddress = cluster.Api.BaseAddress };

        await Assert.ThrowsAsync<HttpRequestException>(() => stranger.GetAsync("/health"));
    }

    [Fact]
    public async Task With_tls_required_an_api_that_listens_on_plain_http_does_not_start()
    {
        var settings = new Dictionary<string, string?>(cluster.Configuration);
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Kestrel:", StringComparison.Ordinal)).ToList())
            settings.Remove(key);
        await using var api = InProcessServices.Api(settings);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => api.StartAsync());

        Assert.Contains("Tls:Required", refused.Message);
        Assert.Contains("http://127.0.0.1", refused.Message);
    }

    [Fact]
    public async Task The_gateway_serves_https_and_follows_the_api_over_https()
    {
        var settings = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["Gateway:Api"] = cluster.Api.BaseAddress!.ToString(),
            ["Gateway:ApiKey"] = ClusterFixtureBase.ReadOnlyApiKey,
        };
        await using var gateway = InProcessServices.Gateway(settings);
        var routes = gateway.Services.GetRequiredService<Yarp.ReverseProxy.Configuration.InMemoryConfigProvider>();
        var before = routes.GetConfig();

        await gateway.StartAsync();

        var address = new Uri(gateway.Urls.Single());
        Assert.Equal(Uri.UriSchemeHttps, address.Scheme);
        using var client = new HttpClient(TestTls.TrustingOnly(cluster.Certificates.CaFile)) { BaseAddress = address };
        using var health = await client.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
        // Its first answer from the Api, over https with the Api's certificate verified, replaces the empty routes.
        await ClusterFixtureBase.WaitUntilAsync(() => Task.FromResult(!ReferenceEquals(routes.GetConfig(), before)));
        await gateway.StopAsync();
    }

    [Fact]
    public async Task With_tls_required_a_gateway_that_follows_a_plain_http_api_does_not_start()
    {
        var settings = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["Gateway:Api"] = "http://127.0.0.1:5000",
            ["Gateway:ApiKey"] = ClusterFixtureBase.ReadOnlyApiKey,
        };
        await using var gateway = InProcessServices.Gateway(settings);

        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => gateway.StartAsync());

        Assert.Contains("Tls:Required", refused.Message);
        Assert.Contains("Gateway:Api", refused.Message);
    }

    [Fact]
    public void With_tls_required_a_service_given_a_plain_broker_does_not_start()
    {
        var settings = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["ConnectionStrings:messaging"] = "amqp://orchestrator:orchestrator@127.0.0.1:5672/",
        };

        var refused = Assert.Throws<InvalidOperationException>(() => InProcessServices.Scheduler(settings));

        Assert.Contains("amqps://", refused.Message);
    }
}
