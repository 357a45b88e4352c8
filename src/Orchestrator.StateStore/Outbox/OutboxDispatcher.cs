using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Outbox;

/// <summary>
/// Publishes committed outbox rows (in order for each destination queue) and deletes them in the same
/// transaction. A crash after publishing and before the delete commits publishes again on restart: at least once,
/// and consumers are idempotent. Several StateStore instances dispatch side by side: events are claimed with SKIP
/// LOCKED by whichever comes first, and commands by shard (<see cref="CommandShards"/>), each shard held by one
/// transaction at a time, so that one agent's commands leave in the order they were written.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;

    /// <summary>
    /// How many shards the commands' destinations are hashed into. A shard is held, for the length of one dispatch
    /// transaction, under a Postgres advisory lock: while one StateStore publishes a shard's commands, another cannot
    /// claim the ones written after them and overtake them (a StopTask its StartTask), yet the two dispatch other
    /// shards side by side.
    /// </summary>
    public const int CommandShards = 16;

    // An arbitrary constant that names the outbox's shard locks among the database's advisory locks.
    private const int ShardLockSpace = 0x4F42_5831; // "OBX1"

    private static string? _claimSql;

    /// <summary>The shards this transaction holds now: those no other dispatching transaction holds.</summary>
    public static string ShardLockSql =>
        $"SELECT shard AS \"Value\" FROM generate_series(0, {CommandShards - 1}) AS shard " +
        $"WHERE pg_try_advisory_xact_lock({ShardLockSpace}, shard)";

    /// <summary>
    /// Claims a batch of rows, commands first: the events, and the commands of the shards in <c>{1}</c>, with the names
    /// the model maps (<see cref="SqlNames"/>). A shard is the destination's hash (Postgres's own <c>hashtext</c>, the
    /// same in every instance), masked to <see cref="CommandShards"/>.
    /// </summary>
    public static string ClaimSql(IModel model)
    {
        var destination = model.Column<OutboxMessage>(nameof(OutboxMessage.Destination));
        return $"SELECT * FROM {model.Table<OutboxMessage>()} " +
            $"WHERE {destination} IS NULL OR (hashtext({destination}) & {CommandShards - 1}) = ANY({{1}}) " +
            $"ORDER BY {destination} IS NULL, {model.Column<OutboxMessage>(nameof(OutboxMessage.Id))} " +
            "LIMIT {0} FOR UPDATE SKIP LOCKED";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) == _options.BatchSize) { }
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Outbox dispatch failed; retrying shortly");
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Commands to agents before events: a StartTask is what turns a placement into a running container, while
        // the events (TaskSubmitted, TaskFinished, NodeReady) only wake placement passes, which coalesce them and
        // also run on a timer. Under a backlog this keeps placed tasks starting instead of queueing behind
        // announcements. Among commands the order is the rows' order, so each agent's queue keeps its order.
        var shards = await db.Database.SqlQueryRaw<int>(ShardLockSql).ToArrayAsync(cancellationToken);
        var batch = await db.Outbox
            .FromSqlRaw(_claimSql ??= ClaimSql(db.Model), _options.BatchSize, shards)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        await Parallel.ForEachAsync(Lanes(WithoutRepeatedWakeUps(batch)), new ParallelOptions
        {
            MaxDegreeOfParallelism = _options.MaxConcurrentLanes,
            CancellationToken = cancellationToken,
        }, async (lane, token) =>
        {
            foreach (var message in lane)
                await DispatchWithinTimeoutAsync(message, token);
        });
        var ids = batch.Select(message => message.Id).ToList();
        await db.Outbox.Where(message => ids.Contains(message.Id)).ExecuteDeleteAsync(cancellationToken);
        // Not cancelled by a shutdown: the batch is published, and dropping the delete now would only publish it
        // again at the next start (and have EF Core log the cancelled commit as an error).
        await transaction.CommitAsync(CancellationToken.None);
        return batch.Count;
    }

    /// <summary>
    /// The batch with one wake-up (<see cref="IWakeUp"/>) of each type, the newest: every one of them would wake the
    /// same consumers to read the same things. The others are deleted with the batch as if published.
    /// </summary>
    private static List<OutboxMessage> WithoutRepeatedWakeUps(List<OutboxMessage> batch)
    {
        var newest = batch
            .Where(message => message.Destination is null && IsWakeUp(message.MessageType))
            .GroupBy(message => message.MessageType)
            .Select(type => type.MaxBy(message => message.Id)!)
            .ToHashSet();
        return batch.Where(message => message.Destination is not null || !IsWakeUp(message.MessageType) || newest.Contains(message)).ToList();
    }

    private static bool IsWakeUp(string messageType) =>
        WakeUpTypes.GetOrAdd(messageType, name => typeof(IWakeUp).IsAssignableFrom(ContractType(name)));

    private static readonly ConcurrentDictionary<string, bool> WakeUpTypes = new();

    private static Type? ContractType(string name) => typeof(SubmitTask).Assembly.GetType(name);

    /// <summary>
    /// Commands to one queue (an agent's) keep their order: a task's StopTask must not overtake its StartTask. Events
    /// have no order to keep (their consumers start a placement pass, or check versions), so each goes on its own.
    /// Each publish waits for the broker's confirm; going side by side, a batch costs a few confirms' time, not
    /// one per row.
    /// </summary>
    private static IEnumerable<IEnumerable<OutboxMessage>> Lanes(List<OutboxMessage> batch) =>
        batch.GroupBy(message => message.Destination ?? message.MessageId.ToString());

    /// <summary>
    /// Publishes one message, or throws a <see cref="TimeoutException"/> after <see cref="OutboxOptions.PublishTimeout"/>
    /// (<see cref="BoundedSend"/>): the batch must end, releasing its shards, whether or not a stuck send ever does.
    /// </summary>
    private Task DispatchWithinTimeoutAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        BoundedSend.WithinAsync(
            token => DispatchAsync(message, token), _options.PublishTimeout, $"Publishing outbox message {message.Id}", cancellationToken);

    private async Task DispatchAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var type = ContractType(message.MessageType)
            ?? throw new InvalidOperationException($"Outbox message {message.Id} has unknown type {message.MessageType}.");
        var body = JsonSerializer.Deserialize(message.Body, type, ContractJson.Options)!;

        // Continue the trace of the transaction that wrote the row, however much later this runs.
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        using var activity = StateStoreTelemetry.Source.StartActivity($"outbox {type.Name}", ActivityKind.Producer, parent);

        if (message.Destination is null)
        {
            await bus.Publish(body, type, context => context.MessageId = message.MessageId, cancellationToken);
        }
        else
        {
            var endpoint = await bus.GetSendEndpoint(QueueAddress.Of(message.Destination));
            await endpoint.Send(body, type, context => context.MessageId = message.MessageId, cancellationToken);
        }
    }
}
