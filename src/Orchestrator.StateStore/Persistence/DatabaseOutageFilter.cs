using MassTransit;
using Polly;
using Polly.Retry;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// For the messages that exist nowhere else, an agent's reports: the exit of a container is reported once, and a
/// report dropped after the bus's few short retries would leave its task Running for good. Inside the task's
/// partition, so the report keeps its place in the task's order while it waits for the database.
/// </summary>
public sealed class DatabaseOutageFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next) =>
        await DatabaseOutageRetry.WaitOut.ExecuteAsync(async _ => await next.Send(context), context.CancellationToken);

    public void Probe(ProbeContext context) => context.CreateFilterScope("database-outage");
}

/// <summary>One pipeline for every message type's filter.</summary>
internal static class DatabaseOutageRetry
{
    /// <summary>
    /// Tries again while the database is away: 0.2 s, then doubling to every 15 s, for about six minutes.
    /// Anything else fails at once, to the bus's own short retry.
    /// </summary>
    public static readonly ResiliencePipeline WaitOut = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseOutage.IsCause),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(15),
            MaxRetryAttempts = 30,
        })
        .Build();
}
