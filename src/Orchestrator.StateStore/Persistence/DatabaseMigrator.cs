using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.StateStore.Persistence.Queries;
using Polly;
using Polly.Retry;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// Applies migrations before anything else starts, retrying while the database is still coming up.
/// Registered ahead of the bus, so no consumer runs against an old schema.
/// </summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>().Handle<TimeoutException>(),
            MaxRetryAttempts = 30,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Retry.ExecuteAsync(async token =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
            // On a new database EF reads its history table before creating it, and logs the failed read as an
            // error (dotnet/efcore#37328): every first start said "fail". Created first, there is nothing to fail.
            if (!await db.Database.CanConnectAsync(token))
                await db.GetService<IRelationalDatabaseCreator>().CreateAsync(token);
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(token);
            await db.Database.MigrateAsync(token);
            if (options.Value.ReaderRole is { } reader)
                await GrantReadsAsync(db, reader, token);
        }, cancellationToken);
        logger.LogInformation("Database schema is up to date");
    }

    private static async Task GrantReadsAsync(OrchestratorDbContext db, string role, CancellationToken cancellationToken)
    {
        var exists = await db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {role}) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!exists)
            throw new InvalidOperationException(
                $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ReaderRole)} names the role {role}, which the database does not have: " +
                "create it first (docs/deploy.md, the Api's database role).");
        // The name matched DatabaseOptions' pattern when the host started: it needs no quoting.
        await db.Database.ExecuteSqlRawAsync(ReaderGrants.Sql(db.Model, role), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
