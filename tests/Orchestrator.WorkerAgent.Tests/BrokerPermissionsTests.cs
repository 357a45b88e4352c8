using System.Diagnostics;
using System.Text.RegularExpressions;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Tests.Shared;
using Orchestrator.WorkerAgent.Extensions;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>
/// An agent with a broker user of its own (<c>deploy/rabbitmq/add-agent-user.sh</c>) may configure and write only
/// what that script's regular expressions allow. A message the agent's code publishes to an exchange outside them
/// is refused by the broker, which closes the channel: the report is lost, and only a run against a real broker with
/// such a user would show it. So the messages are read from the agent's own code and the expressions from the
/// script itself; a change to either side that does not match the other fails here.
/// </summary>
public sealed class BrokerPermissionsTests
{
    private const string Script = "deploy/rabbitmq/add-agent-user.sh";

    private static readonly MessageCallSites AgentCalls = MessageCallSites.In(typeof(WorkerAgentExtensions).Assembly);

    [Fact]
    public void The_agent_publishes_messages_of_known_types_only()
    {
        Assert.True(AgentCalls.Untyped.Count == 0,
            $"The agent calls {string.Join(", ", AgentCalls.Untyped)} without a message type, so its permissions cannot be checked");
        // The one generic call is the report sender's own Send, whose callers each name their report's type.
        Assert.All(AgentCalls.Typed, call => Assert.False(call.MessageType.StartsWith('!') && call.Method != "MassTransit.ISendEndpoint.Send",
            $"{call.Method} with a generic message type: its permissions cannot be checked"));
        // The scan finds the calls: the heartbeat, from a hosted service, and a task's exit, from its supervision.
        var found = string.Join(", ", AgentCalls.Typed);
        Assert.True(AgentCalls.Typed.Any(call => call.MessageType == typeof(NodeHeartbeat).FullName), found);
        Assert.True(AgentCalls.Typed.Any(call => call.MessageType == typeof(TaskExited).FullName), found);
    }

    [Fact]
    public async Task Every_task_report_the_agent_sends_goes_to_a_report_queue_its_broker_user_may_write_and_not_read()
    {
        var permissions = await AgentPermissionsAsync(Guid.NewGuid());
        var reports = AgentCalls.TypesOf(MessageCallSites.SendReport).ToList();
        Assert.Equal(
            typeof(ITaskReport).Assembly.GetTypes().Where(type => type.IsClass && typeof(ITaskReport).IsAssignableFrom(type)).Select(type => type.FullName!).Order(),
            reports.Order());

        foreach (var exchange in Enumerable.Range(0, TaskReportQueue.Count).Select(TaskReportQueue.Name))
        {
            Assert.True(permissions.Configure.IsMatch(exchange) && permissions.Write.IsMatch(exchange),
                $"The agent's user may not send a report to {exchange} ({Script})");
            Assert.DoesNotMatch(permissions.Read, exchange);
        }
    }

    [Fact]
    public async Task Every_message_type_the_agent_publishes_goes_to_an_exchange_its_broker_user_may_write()
    {
        var permissions = await AgentPermissionsAsync(Guid.NewGuid());
        var published = AgentCalls.Typed.Where(call => call.Method.EndsWith(".Publish", StringComparison.Ordinal))
            .Select(call => call.MessageType).Distinct().ToList();
        Assert.NotEmpty(published);

        foreach (var exchange in published.Select(ExchangeOf))
        {
            Assert.True(permissions.Configure.IsMatch(exchange), $"The agent's user may not declare exchange {exchange} ({Script})");
            Assert.True(permissions.Write.IsMatch(exchange), $"The agent's user may not publish to exchange {exchange} ({Script})");
        }
    }

    [Theory]
    [InlineData("secrets")]
    [InlineData("registry credentials")]
    [InlineData("upstream addresses")]
    public async Task The_agents_requests_go_to_exchanges_its_user_may_write_and_their_answers_to_a_queue_only_it_reads(string request)
    {
        var node = Guid.NewGuid();
        var permissions = await AgentPermissionsAsync(node);
        // MassTransit names a request's exchange after the StateStore consumer that answers it.
        var (address, expected) = request switch
        {
            "secrets" => (BusTaskSecrets.Address, "get-task-secrets"),
            "upstream addresses" => (BusServiceAddressLookup.Address, "get-service-addresses"),
            _ => (BusPullCredentials.Address, "get-pull-credentials"),
        };
        var exchange = address.AbsolutePath;

        Assert.Equal(expected, exchange);
        Assert.True(permissions.Configure.IsMatch(exchange) && permissions.Write.IsMatch(exchange),
            $"The agent's user may not send its request for a task's {request} to {exchange} ({Script})");
        Assert.DoesNotMatch(permissions.Read, exchange);
        Assert.Matches(permissions.Read, WorkerAgentExtensions.AnswersQueue(node));
    }

    [Fact]
    public async Task The_agent_sends_nothing_but_task_reports_and_answers_to_requests_and_its_user_may_write_to_the_requesters_queue()
    {
        var permissions = await AgentPermissionsAsync(Guid.NewGuid());

        // A send names its queue at run time; none is allowed unless this test learns where it goes. The report
        // sender's (the one generic Send) goes to a report queue, checked above.
        Assert.DoesNotContain(AgentCalls.Typed, call => call.Method.EndsWith(".Send", StringComparison.Ordinal) && !call.MessageType.StartsWith('!'));
        Assert.NotEmpty(AgentCalls.TypesOf("MassTransit.ConsumeContext.RespondAsync"));
        // An answer goes to the requester's bus queue, which every process names as this one's is.
        var endpoints = await ServiceBus.EndpointsAsync(_ => { }, _ => { });
        var requesterQueue = Assert.Single(endpoints).Queue;
        Assert.True(permissions.Configure.IsMatch(requesterQueue) && permissions.Write.IsMatch(requesterQueue),
            $"The agent's user may not answer a request on {requesterQueue} ({Script})");
    }

    [Fact]
    public async Task The_agents_user_may_use_its_own_queue_and_the_queues_beside_it_and_no_other_nodes()
    {
        var node = Guid.NewGuid();
        var permissions = await AgentPermissionsAsync(node);

        foreach (var queue in new[] { AgentQueue.Name(node), AgentQueue.Name(node) + "_error", AgentQueue.Name(node) + "_skipped", WorkerAgentExtensions.AnswersQueue(node) })
        {
            Assert.True(permissions.Configure.IsMatch(queue) && permissions.Write.IsMatch(queue) && permissions.Read.IsMatch(queue),
                $"The agent's user may not use its queue {queue} ({Script})");
        }
        Assert.DoesNotMatch(permissions.Read, AgentQueue.Name(Guid.NewGuid()));
        Assert.DoesNotMatch(permissions.Read, WorkerAgentExtensions.AnswersQueue(Guid.NewGuid()));
        Assert.DoesNotMatch(permissions.Read, "get-task-secrets");
        Assert.DoesNotMatch(permissions.Read, TaskReportQueue.Name(0));
    }

    /// <summary>MassTransit's exchange for a published message type on RabbitMQ (<c>Namespace:Type</c>).</summary>
    private static string ExchangeOf(string messageType)
    {
        var type = typeof(NodeHeartbeat).Assembly.GetType(messageType)
            ?? throw new InvalidOperationException($"The agent publishes {messageType}, which is not a contract");
        var formatter = RabbitMqBusFactory.CreateMessageTopology().EntityNameFormatter;
        return (string)typeof(IEntityNameFormatter).GetMethod(nameof(IEntityNameFormatter.FormatEntityName))!
            .MakeGenericMethod(type).Invoke(formatter, null)!;
    }

    private sealed record Permissions(Regex Configure, Regex Write, Regex Read);

    /// <summary>
    /// The script's permission expressions for a node, as bash evaluates the lines that build them, so that they are
    /// exactly what the script passes to <c>rabbitmqctl set_permissions</c>.
    /// </summary>
    private static async Task<Permissions> AgentPermissionsAsync(Guid node)
    {
        var assignments = (await File.ReadAllLinesAsync(Path.Combine(Repository.Root, Script)))
            .Where(line => Regex.IsMatch(line, "^(OWN|EVENTS|REPORTS|REQUESTS|REPLIES|CONFIGURE|WRITE|READ)="))
            .ToList();
        Assert.Equal(8, assignments.Count);
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(
            $"set -euo pipefail\nQUEUE='{AgentQueue.Name(node)}'\n{string.Join('\n', assignments)}\n" +
            "printf '%s\\n' \"$CONFIGURE\" \"$WRITE\" \"$READ\"\n");
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, await bash.StandardError.ReadToEndAsync());
        var lines = output.Split('\n');
        return new Permissions(new Regex(lines[0]), new Regex(lines[1]), new Regex(lines[2]));
    }
}
