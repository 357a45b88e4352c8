using System.Globalization;
using DotNet.Testcontainers.Containers;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>What <c>rabbitmqctl</c> in a broker's container lists about its queues and consumers, read as figures.</summary>
public static class BrokerListings
{
    /// <summary>One column of a queue's line in <c>list_queues</c>, null for a queue that does not exist.</summary>
    public static async Task<string?> QueueColumnAsync(IContainer node, string queue, string column)
    {
        var listed = await node.ExecAsync(["rabbitmqctl", "--quiet", "list_queues", "--no-table-headers", "name", column]);
        if (listed.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl list_queues failed: {listed.Stderr}");
        return listed.Stdout.Split('\n')
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length == 2 && columns[0] == queue)
            .Select(columns => columns[1].Trim())
            .SingleOrDefault();
    }

    /// <summary>A numeric column of a queue's line, 0 for a queue that does not exist.</summary>
    public static async Task<int> QueueCountAsync(IContainer node, string queue, string column) =>
        await QueueColumnAsync(node, queue, column) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// The consumers of a queue as <c>list_consumers</c> shows them: under single-active-consumer exactly one is
    /// active and the others wait.
    /// </summary>
    public static async Task<IReadOnlyList<QueueConsumer>> ConsumersAsync(IContainer node, string queue)
    {
        var listed = await node.ExecAsync(["rabbitmqctl", "--quiet", "list_consumers", "--no-table-headers",
            "queue_name", "consumer_tag", "active", "activity_status", "channel_pid"]);
        if (listed.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl list_consumers failed: {listed.Stderr}");
        return listed.Stdout.Split('\n')
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length == 5 && columns[0] == queue)
            .Select(columns => new QueueConsumer(columns[1], columns[2] == "true", columns[3], columns[4].Trim()))
            .ToList();
    }
}

/// <param name="Tag">The consumer tag its client chose (or the broker gave).</param>
/// <param name="Active">Whether messages go to it: false for a single-active-consumer queue's waiting consumers.</param>
/// <param name="ActivityStatus">up, single_active, waiting (or suspected_down while its node is unreachable).</param>
/// <param name="ChannelPid">The Erlang process of its channel, e.g. &lt;rabbit@rabbit2.1652.0&gt;: names the node its client is connected to.</param>
public sealed record QueueConsumer(string Tag, bool Active, string ActivityStatus, string ChannelPid);
