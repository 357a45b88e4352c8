using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Consumers;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Extensions;

public static class SchedulerExtensions
{
    /// <summary>Everything the Scheduler runs but its consumers.</summary>
    public static TBuilder AddScheduler<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<SchedulerOptions>(builder.Configuration.GetSection(SchedulerOptions.Section));
        builder.Services.AddSingleton(services =>
            PlacementAlgorithms.Create(services.GetRequiredService<IOptions<SchedulerOptions>>().Value.Algorithm));
        builder.Services.AddSingleton(services =>
            new ClusterView(TimeProvider.System, services.GetRequiredService<IOptions<SchedulerOptions>>().Value.ViewMaxAge));
        builder.Services.AddSingleton<PlacementPass>();
        builder.Services.AddHostedService<PendingTaskSweeper>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddSchedulerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumers(typeof(TaskSubmittedConsumer).Assembly);
        return bus;
    }
}
