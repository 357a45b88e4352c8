using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Ends the process when its bus has stalled while the broker is up, so that its supervisor (systemd, compose's
/// restart policy) starts it afresh on new connections. After a broker node is lost, RabbitMQ's .NET client can leave a
/// channel that takes sends and confirms none of them, and MassTransit, seeing the channel open, keeps using it: the
/// process then sends nothing for good, though every other node would take its messages (the fault matrix's broker
/// case caught agents that heartbeated into it for minutes). The broker itself being away is told apart by opening
/// a connection of its own: a process whose broker is down waits, as it always has, and a restart is for a process
/// that cannot send to a broker that takes connections. A broker that blocks publishers (a memory or disk alarm)
/// still takes connections, so there the processes that publish are restarted too, which costs churn and no message.
/// </summary>
public sealed class BusWatchdog(
    SendProgress progress,
    BrokerAddress broker,
    IOptions<BusWatchdogOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<BusWatchdog> logger) : BackgroundService
{
    /// <summary>The exit code of a process the watchdog ended: EX_TEMPFAIL, a fault its supervisor may retry.</summary>
    public const int ExitCode = 75;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limit = options.Value.RestartAfter;
        if (limit <= TimeSpan.Zero)
            return;
        long? reachableSince = null;
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var stalled = progress.StalledFor();
            if (stalled < options.Value.CheckInterval)
            {
                reachableSince = null;
                continue;
            }
            if (await ReachableAsync(stoppingToken))
                reachableSince ??= clock.GetTimestamp();
            else
                reachableSince = null;
            var reachable = reachableSince is { } since ? clock.GetElapsedTime(since) : TimeSpan.Zero;
            if (!StalledBus.MustRestart(stalled, reachable, limit))
                continue;
            logger.LogCritical(
                "No send to the broker has got through for {Stalled}, though the broker takes connections: ending the process so that its supervisor starts it on fresh connections",
                stalled);
            Environment.ExitCode = ExitCode;
            lifetime.StopApplication();
            return;
        }
    }

    /// <summary>Whether a node of the broker takes a new connection now, on the process's own user and virtual host.</summary>
    private async Task<bool> ReachableAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            UserName = broker.User,
            Password = broker.Password,
            VirtualHost = broker.VirtualHost,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = options.Value.ProbeTimeout,
            ClientProvidedName = "orchestrator bus watchdog",
        };
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.Value.ProbeTimeout);
        try
        {
            var endpoints = broker.Nodes.Select(node => new AmqpTcpEndpoint(node.Host, node.Port)).ToList();
            await using var connection = await factory.CreateConnectionAsync(endpoints, bound.Token);
            await connection.CloseAsync(bound.Token);
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(error, "The broker did not take a connection");
            return false;
        }
    }
}

/// <summary>When a stalled bus is restarted (<see cref="BusWatchdog"/>).</summary>
public static class StalledBus
{
    /// <param name="stalled">How long no send has got through while one was under way or failing.</param>
    /// <param name="reachable">How long the broker has taken new connections without a miss, while stalled.</param>
    /// <param name="limit">How long both must have lasted: long enough for a quorum queue to elect a new leader, and
    /// for MassTransit to reconnect after the broker comes back.</param>
    public static bool MustRestart(TimeSpan stalled, TimeSpan reachable, TimeSpan limit) =>
        limit > TimeSpan.Zero && stalled >= limit && reachable >= limit;
}

/// <summary>Settings of <see cref="BusWatchdog"/>, from <c>Messaging:Watchdog</c>.</summary>
public sealed class BusWatchdogOptions
{
    public const string Section = "Messaging:Watchdog";

    /// <summary>How long the bus may stall while the broker takes connections before the process ends; zero never ends it.</summary>
    public TimeSpan RestartAfter { get; set; } = TimeSpan.FromSeconds(30);

    [Positive]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Positive]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
