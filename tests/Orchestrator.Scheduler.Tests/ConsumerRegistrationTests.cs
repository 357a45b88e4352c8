using Orchestrator.Scheduler.Extensions;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Scheduler.Tests;

/// <summary>The Scheduler's bus as <c>AddSchedulerConsumers</c> builds it.</summary>
public sealed class ConsumerRegistrationTests
{
    [Fact]
    public async Task Every_consumer_in_the_Scheduler_has_an_endpoint()
    {
        var endpoints = await ServiceBus.EndpointsAsync(builder => builder.AddScheduler(), bus => bus.AddSchedulerConsumers());

        ServiceBus.AssertEveryConsumerHasAnEndpoint(endpoints, typeof(SchedulerExtensions).Assembly);
    }
}
