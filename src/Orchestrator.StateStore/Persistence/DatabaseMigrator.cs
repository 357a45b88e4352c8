using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// Applies migrations before anything else starts, retrying while the database is still coming up.
/// Registered ahead of the bus, so no consumer runs against an old schema.
/// </summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, ILogger<DatabaseMigrator> logger) : IHostedService
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
        }, cancellationToken);
        logger.LogInformation("Database schema is up to date");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
