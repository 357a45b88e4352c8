using Orchestrator.Contracts;
using Orchestrator.Tests.Shared;
using Orchestrator.WorkerAgent.Extensions;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>The agent's bus as <c>AddWorkerAgentConsumers</c> builds it.</summary>
public sealed class ConsumerRegistrationTests : IDisposable
{
    private readonly DirectoryInfo _dataPath = Directory.CreateTempSubdirectory("agent-registration-");
    private readonly Guid _nodeId = Guid.NewGuid();

    private Task<IReadOnlyList<ProbedEndpoint>> EndpointsAsync() => ServiceBus.EndpointsAsync(
        builder => builder.AddWorkerAgent(), bus => bus.AddWorkerAgentConsumers(),
        new Dictionary<string, string?>
        {
            [$"{AgentOptions.Section}:{nameof(AgentOptions.DataPath)}"] = _dataPath.FullName,
            [$"{AgentOptions.Section}:{nameof(AgentOptions.NodeId)}"] = _nodeId.ToString(),
        });

    [Fact]
    public async Task Every_consumer_in_the_agent_has_an_endpoint()
    {
        ServiceBus.AssertEveryConsumerHasAnEndpoint(await EndpointsAsync(), typeof(WorkerAgentExtensions).Assembly);
    }

    [Fact]
    public async Task Every_consumer_in_the_agent_takes_its_commands_from_the_nodes_own_queue_and_nothing_binds_it()
    {
        var endpoints = await EndpointsAsync();

        var consumers = ServiceBus.ConsumerTypes(typeof(WorkerAgentExtensions).Assembly).Select(type => type.FullName!);
        var nodeQueue = Assert.Single(endpoints, endpoint => endpoint.Consumers.Count > 0);
        Assert.Equal(AgentQueue.Name(_nodeId), nodeQueue.Queue);
        Assert.Equal(consumers.Order(), nodeQueue.Consumers.Order());
        Assert.Null(nodeQueue.Probe["receiveTransport"]!["topology"]!["exchange-binding"]);
    }

    public void Dispose() => _dataPath.Delete(recursive: true);
}
