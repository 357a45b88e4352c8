using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.Tests.Shared;

/// <summary>
/// A service's bus as its own registration builds it (RabbitMQ through <c>AddOrchestratorBus</c>), never started:
/// MassTransit's probe of it lists every receive endpoint with its queue, bindings, limits and consumers, and no
/// broker is needed to read it.
/// </summary>
public static class ServiceBus
{
    public static async Task<IReadOnlyList<ProbedEndpoint>> EndpointsAsync(
        Action<HostApplicationBuilder> addService, Action<IBusRegistrationConfigurator> addConsumers,
        IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{MessagingExtensions.ConnectionName}"] = "amqp://guest:guest@localhost:5672",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        addService(builder);
        builder.AddOrchestratorBus(addConsumers);
        await using var services = builder.Services.BuildServiceProvider();
        var probe = JsonNode.Parse(JsonSerializer.Serialize(services.GetRequiredService<IBusControl>().GetProbeResult().Results))!;
        return probe["bus"]!["host"]!["receiveEndpoint"] switch
        {
            JsonArray endpoints => endpoints.Select(endpoint => ProbedEndpoint.From(endpoint!)).ToList(),
            { } endpoint => [ProbedEndpoint.From(endpoint)],
            null => [],
        };
    }

    /// <summary>Fails naming each consumer class of <paramref name="assembly"/> that no endpoint of the bus runs.</summary>
    public static void AssertEveryConsumerHasAnEndpoint(IReadOnlyList<ProbedEndpoint> endpoints, Assembly assembly)
    {
        var consumers = ConsumerTypes(assembly).Select(type => type.FullName!).ToList();
        Assert.NotEmpty(consumers);
        var missing = consumers.Except(endpoints.SelectMany(endpoint => endpoint.Consumers)).ToList();
        Assert.True(missing.Count == 0, $"No endpoint runs {string.Join(", ", missing)}: is it registered?");
    }

    public static IEnumerable<Type> ConsumerTypes(Assembly assembly) => assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
            && typeof(IConsumer).IsAssignableFrom(type));
}

/// <summary>A receive endpoint as MassTransit's probe describes it.</summary>
public sealed record ProbedEndpoint(string Queue, int PrefetchCount, int? ConcurrentMessageLimit, IReadOnlyList<string> Consumers, JsonNode Probe)
{
    public static ProbedEndpoint From(JsonNode endpoint)
    {
        var transport = endpoint["receiveTransport"]!;
        return new ProbedEndpoint(
            (string)transport["queueName"]!,
            (int)transport["prefetchCount"]!,
            (int?)transport["concurrentMessageLimit"],
            Values(endpoint, "consumerType").Distinct().ToList(),
            endpoint);
    }

    /// <summary>Every value named <paramref name="key"/> anywhere in this endpoint's probe.</summary>
    public IEnumerable<string> Values(string key) => Values(Probe, key);

    private static IEnumerable<string> Values(JsonNode? node, string key) => node switch
    {
        JsonObject values => values.SelectMany(entry => entry.Key == key && entry.Value is JsonValue value
            ? [value.ToString()]
            : Values(entry.Value, key)),
        JsonArray items => items.SelectMany(item => Values(item, key)),
        _ => [],
    };
}
