using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.Api.Extensions;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Persistence;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>The Api reads Postgres itself (<see cref="StoreReads"/>), and only reads: StateStore stays the only writer.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StoreReadsTests(ClusterFixture cluster)
{
    [Fact]
    public async Task The_Api_reads_through_a_connection_that_refuses_every_write()
    {
        await using var api = InProcessServices.Api(new Dictionary<string, string?>(cluster.Configuration), ServiceHosts.Settings);
        await using var scope = api.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredKeyedService<OrchestratorDbContext>(StoreReads.Key);

        var nodes = await store.Nodes.CountAsync();
        Assert.True(nodes >= 1, $"{nodes} nodes read");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => store.Nodes.ExecuteUpdateAsync(n => n.SetProperty(x => x.Name, x => x.Name)));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
    }

    [Fact]
    public void A_connection_string_keeps_its_own_options_and_is_made_read_only()
    {
        var connection = new NpgsqlConnectionStringBuilder(StoreReads.ReadOnly("Host=db;Options=-c statement_timeout=5000"));

        Assert.Equal("-c statement_timeout=5000 -c default_transaction_read_only=on", connection.Options);
        Assert.Equal("db", connection.Host);
    }

    [Theory]
    [InlineData("read-write", "primary")]
    [InlineData("read-only", "standby")]
    [InlineData("prefer-standby", "prefer-standby")]
    [InlineData(null, null)]
    public void Target_session_attributes_that_look_at_the_session_name_the_server_role_instead(string? given, string? read)
    {
        // A read-only session is never read-write: a host chosen by that would never be found.
        var connectionString = "Host=a,b" + (given is null ? "" : $";Target Session Attributes={given}");

        Assert.Equal(read, new NpgsqlConnectionStringBuilder(StoreReads.ReadOnly(connectionString)).TargetSessionAttributes);
    }
}
