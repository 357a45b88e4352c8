using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// The Api answers reads from Postgres itself, through the queries StateStore's schema owns
/// (<c>Orchestrator.StateStore.Persistence.Queries</c>): a read is one query, not a round trip over the bus through
/// StateStore. Writes stay commands to StateStore, the only writer. The connection is read-only whatever role it
/// logs in as (every transaction is <c>default_transaction_read_only</c>), so a bug here cannot write; a deployment
/// gives the Api a role that may only select, and can point it at a standby (<c>Target Session Attributes=prefer-standby</c>).
/// </summary>
public static class StoreReads
{
    /// <summary>
    /// The key the read-only context is registered under: a host that runs StateStore in the same process (the
    /// <c>manager</c> command, the tests' clusters) registers StateStore's writing context as the unkeyed one.
    /// </summary>
    public const string Key = "reads";

    public static TBuilder AddStoreReads<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = ReadOnly(builder.Configuration.GetConnectionString(OrchestratorDbContext.ConnectionName)
            ?? throw new InvalidOperationException(
                $"No Postgres connection string for the Api's reads: set ConnectionStrings:{OrchestratorDbContext.ConnectionName}."));
        ClusterTls.CheckDatabase(ClusterTls.Read(builder.Configuration), connectionString, $"ConnectionStrings:{OrchestratorDbContext.ConnectionName}");
        var options = new DbContextOptionsBuilder<OrchestratorDbContext>()
            .UseNpgsql(connectionString, npgsql => OrchestratorDbContext.PinHistoryTable(npgsql))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .Options;
        // Pooled, as StateStore's: a request is a scope, and a pooled context skips building its services each time.
        // The scope disposes the context, which returns it to the pool.
        builder.Services.AddKeyedSingleton(Key, new PooledDbContextFactory<OrchestratorDbContext>(options));
        builder.Services.AddKeyedScoped(Key, (services, key) =>
            services.GetRequiredKeyedService<PooledDbContextFactory<OrchestratorDbContext>>(key).CreateDbContext());
        return builder;
    }

    /// <summary>
    /// The connection string with every session read-only, whatever options it already sets. Npgsql picks a host for
    /// <c>read-write</c> and <c>read-only</c> by whether the session is read-only, which these sessions always are, so
    /// those are read as the server roles they stand for: <c>primary</c> (the server that takes writes) and <c>standby</c>.
    /// </summary>
    public static string ReadOnly(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.Join(' ', new[] { builder.Options, "-c default_transaction_read_only=on" }.Where(o => !string.IsNullOrWhiteSpace(o)));
        builder.TargetSessionAttributes = builder.TargetSessionAttributes?.ToLowerInvariant() switch
        {
            "read-write" => "primary",
            "read-only" => "standby",
            var other => other,
        };
        return builder.ConnectionString;
    }
}
