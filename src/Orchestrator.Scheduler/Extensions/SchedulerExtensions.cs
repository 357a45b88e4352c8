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
        builder.Services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section)
            .ValidateSettingsOnStart(SchedulerOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<SchedulerOptions>, KnownAlgorithm>();
        builder.Services.AddSingleton(services =>
            PlacementAlgorithms.Create(services.GetRequiredService<IOptions<SchedulerOptions>>().Value.Algorithm));
        builder.Services.AddSingleton(services =>
            new ClusterView(TimeProvider.System, services.GetRequiredService<IOptions<SchedulerOptions>>().Value.ViewMaxAge));
        builder.Services.AddSingleton<PlacementPass>();
        builder.Services.AddHostedService<PendingTaskSweeper>();
        return builder;
    }

    /// <summary>The Scheduler's consumers: every consumer in this assembly, on an endpoint named after it.</summary>
    public static IBusRegistrationConfigurator AddSchedulerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumers(typeof(TaskSubmittedConsumer).Assembly);
        return bus;
    }

    /// <summary>Stops the Scheduler at start, not at its first placement, when the algorithm is one it does not know.</summary>
    private sealed class KnownAlgorithm : IValidateOptions<SchedulerOptions>
    {
        public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
        {
            try
            {
                PlacementAlgorithms.Create(options.Algorithm);
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException)
            {
                return ValidateOptionsResult.Fail(
                    $"{ValidatedOptions.SettingName(SchedulerOptions.Section, nameof(SchedulerOptions.Algorithm))} is '{options.Algorithm}'; " +
                    $"it takes {string.Join(", ", PlacementAlgorithms.Names)}");
            }
        }
    }
}
