using System.Globalization;
using DotNet.Testcontainers.Containers;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>What <c>rabbitmqctl</c> in a broker's container lists about its queues and consumers, read as figures.</summary>
public static class BrokerListings
{
    /// <summary>One column of a queue's line in <c>list_queues</c>, null for a queue that does not exist.</summary>
    public static async Task<string?> QueueColumnAsync(IContainer node, string queue, string column) =>
        (await ListAsync(node, "list_queues", "name", column))
            .Where(columns => columns[0] == queue)
            .Select(columns => columns[1].Trim())
            .SingleOrDefault();

    /// <summary>A numeric column of a queue's line, 0 for a queue that does not exist.</summary>
    public static async Task<int> QueueCountAsync(IContainer node, string queue, string column) =>
        await QueueColumnAsync(node, queue, column) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// The consumers of a queue as <c>list_consumers</c> shows them (under single-active-consumer exactly one is
    /// active and the others wait), each with the OS process id of its client, which MassTransit announces in its
    /// connection's properties: the <see cref="ServiceProcess.Pid"/> of the service that holds it.
    /// </summary>
    public static async Task<IReadOnlyList<QueueConsumer>> ConsumersAsync(IContainer node, string queue)
    {
        var consumers = (await ListAsync(node, "list_consumers", "queue_name", "consumer_tag", "active", "activity_status", "channel_pid"))
            .Where(columns => columns[0] == queue)
            .ToList();
        if (consumers.Count == 0)
            return [];
        var connectionOfChannel = (await ListAsync(node, "list_channels", "pid", "connection"))
            .ToDictionary(columns => columns[0], columns => columns[1]);
        var processOfConnection = (await ListAsync(node, "list_connections", "pid", "client_properties"))
            .ToDictionary(columns => columns[0], columns => ProcessId.Match(columns[1]) is { Success: true } found
                ? int.Parse(found.Groups[1].Value, CultureInfo.InvariantCulture)
                : (int?)null);
        return consumers
            .Select(columns => new QueueConsumer(columns[1], columns[2] == "true", columns[3], columns[4],
                connectionOfChannel.TryGetValue(columns[4], out var connection) ? processOfConnection.GetValueOrDefault(connection) : null))
            .ToList();
    }

    private static readonly System.Text.RegularExpressions.Regex ProcessId = new("""\{"process_id","(\d+)"\}""");

    /// <summary>
    /// A rabbitmqctl listing's lines, each split into the <paramref name="columns"/> asked for, in that order. Read by
    /// the header row: rabbitmqctl prints some listings' columns in an order of its own.
    /// </summary>
    private static async Task<IEnumerable<string[]>> ListAsync(IContainer node, string command, params string[] columns)
    {
        var listed = await node.ExecAsync(["rabbitmqctl", "--quiet", command, .. columns]);
        if (listed.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {command} failed: {listed.Stderr}");
        var lines = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
            return [];
        var header = lines[0].Split('\t').Select(name => name.Trim()).ToList();
        var positions = columns.Select(column => header.IndexOf(column)).ToArray();
        if (positions.Contains(-1))
            throw new InvalidOperationException($"rabbitmqctl {command} printed the columns {lines[0]}, not {string.Join(' ', columns)}");
        return lines.Skip(1)
            .Select(line => line.Split('\t'))
            .Where(values => values.Length == header.Count)
            .Select(values => positions.Select(position => values[position].Trim()).ToArray());
    }
}

/// <param name="Tag">The consumer tag its client chose (or the broker gave).</param>
/// <param name="Active">Whether messages go to it: false for a single-active-consumer queue's waiting consumers.</param>
/// <param name="ActivityStatus">up, single_active, waiting (or suspected_down while its node is unreachable).</param>
/// <param name="ChannelPid">The Erlang process of its channel, e.g. &lt;rabbit@rabbit2.1652.0&gt;: names the node its client is connected to.</param>
/// <param name="ClientProcessId">The OS process id its client announced (MassTransit does); null if none did.</param>
public sealed record QueueConsumer(string Tag, bool Active, string ActivityStatus, string ChannelPid, int? ClientProcessId);
