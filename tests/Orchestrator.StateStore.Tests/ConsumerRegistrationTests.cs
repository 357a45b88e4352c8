using System.Text.Json.Nodes;
using MassTransit;
using Orchestrator.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Extensions;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Consumers.TaskReports;
using Orchestrator.StateStore.Extensions;
using Orchestrator.Tests.Shared;

namespace Orchestrator.StateStore.Tests;

/// <summary>StateStore's bus as <c>AddStateStoreConsumers</c> builds it.</summary>
public sealed class ConsumerRegistrationTests
{
    private static Task<IReadOnlyList<ProbedEndpoint>> EndpointsAsync() => ServiceBus.EndpointsAsync(
        builder => builder.AddStateStore(), bus => bus.AddStateStoreConsumers(),
        new Dictionary<string, string?> { [$"ConnectionStrings:{StateStoreExtensions.DatabaseConnectionName}"] = "Host=localhost" });

    [Fact]
    public async Task Every_consumer_in_StateStore_has_an_endpoint()
    {
        ServiceBus.AssertEveryConsumerHasAnEndpoint(await EndpointsAsync(), typeof(StateStoreExtensions).Assembly);
    }

    [Fact]
    public async Task Every_task_report_is_taken_from_each_report_queue_by_one_StateStore_a_task_at_a_time()
    {
        var endpoints = await EndpointsAsync();
        var queues = endpoints.Where(endpoint => endpoint.Queue.StartsWith("task-reports", StringComparison.Ordinal)).ToList();

        Assert.Equal(Enumerable.Range(0, TaskReportQueue.Count).Select(TaskReportQueue.Name).Order(), queues.Select(queue => queue.Queue).Order());
        var reportConsumers = typeof(TaskStartedConsumer).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(TaskStartedConsumer).Namespace && type.Name.EndsWith("Consumer"))
            .Select(type => type.FullName!).Order().ToList();
        Assert.All(queues, queue =>
        {
            Assert.Equal(reportConsumers, queue.Consumers.Order());
            Assert.Equal(TaskReportQueues.Prefetch, queue.ConcurrentMessageLimit);
            Assert.Equal(["true"], queue.Values("x-single-active-consumer"));
            // Every report type passes through a partitioner, and the same one, so a task's reports of any type
            // are taken one at a time: as many partitions as reports taken at once.
            Assert.Equal(reportConsumers.Count, queue.Values("partitionCount").Count());
            Assert.All(queue.Values("partitionCount"), count => Assert.Equal(TaskReportQueues.Prefetch.ToString(), count));
            Assert.Single(PartitionerIds(queue.Probe).Distinct());
        });
        // No report is taken anywhere else, where it could overtake another about the same task.
        Assert.DoesNotContain(endpoints.Except(queues), endpoint => endpoint.Consumers.Intersect(reportConsumers).Any());
    }

    [Fact]
    public async Task Every_queue_of_StateStore_is_a_quorum_queue_so_that_it_outlives_a_broker_node()
    {
        // The bus's own queue, for answers, is temporary: it goes with its process, and so stays classic.
        var endpoints = (await EndpointsAsync()).Where(endpoint => !endpoint.Probe["receiveTransport"]!["autoDelete"]!.GetValue<bool>()).ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.True(endpoint.Values("x-queue-type").SequenceEqual(["quorum"]),
            $"{endpoint.Queue} is not a quorum queue: {string.Join(", ", endpoint.Values("x-queue-type"))}"));
    }

    [Fact]
    public async Task Heartbeats_are_taken_in_batches_of_100_within_100_ms()
    {
        var heartbeats = Assert.Single(await EndpointsAsync(), endpoint => endpoint.Consumers.Contains(typeof(NodeHeartbeatConsumer).FullName));

        Assert.Equal("node-heartbeat", heartbeats.Queue);
        Assert.Equal(["100"], heartbeats.Values("messageLimit"));
        Assert.Equal(["00:00:00.1000000"], heartbeats.Values("timeLimit"));
        Assert.Equal(["1"], heartbeats.Values("concurrencyLimit"));
    }

    [Fact]
    public async Task Submissions_are_taken_128_at_a_time_to_share_their_commits()
    {
        var submit = Assert.Single(await EndpointsAsync(), endpoint => endpoint.Consumers.Contains(typeof(SubmitTaskConsumer).FullName));

        Assert.Equal(("submit-task", 128, (int?)128), (submit.Queue, submit.PrefetchCount, submit.ConcurrentMessageLimit));
    }

    [Fact]
    public async Task Every_other_request_the_Api_makes_is_answered_32_at_a_time()
    {
        // The requests as the Api registers its clients; a consumer of one without its ApiRequestConsumerDefinition
        // would still get a queue, at MassTransit's default concurrency, and nothing else would say so.
        var api = new ServiceCollection();
        api.AddMassTransit(bus => bus.AddApiRequestClients());
        var requests = api
            .Select(service => service.ServiceType)
            .Where(type => type is { IsGenericType: true, ContainsGenericParameters: false }
                && type.GetGenericTypeDefinition() == typeof(IRequestClient<>))
            .Select(type => type.GetGenericArguments()[0])
            .Where(type => type != typeof(SubmitTask))
            .Distinct()
            .ToList();
        Assert.NotEmpty(requests);
        var endpoints = await EndpointsAsync();

        foreach (var request in requests)
        {
            var consumer = ServiceBus.ConsumerTypes(typeof(StateStoreExtensions).Assembly)
                .Single(type => typeof(IConsumer<>).MakeGenericType(request).IsAssignableFrom(type));
            var endpoint = Assert.Single(endpoints, endpoint => endpoint.Consumers.Contains(consumer.FullName));
            Assert.True(endpoint is { PrefetchCount: 32, ConcurrentMessageLimit: 32 },
                $"{request.Name} is answered by {consumer.Name} on {endpoint.Queue} with prefetch {endpoint.PrefetchCount} " +
                $"and concurrency {endpoint.ConcurrentMessageLimit}, not 32: does it have an ApiRequestConsumerDefinition?");
        }
    }

    /// <summary>The id of every partitioner in the probe.</summary>
    private static IEnumerable<string> PartitionerIds(JsonNode? node) => node switch
    {
        JsonObject values when values.ContainsKey("partitionCount") => [values["id"]!.ToString()],
        JsonObject values => values.SelectMany(entry => PartitionerIds(entry.Value)),
        JsonArray items => items.SelectMany(PartitionerIds),
        _ => [],
    };
}
