using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Extensions;

public static class StateStoreExtensions
{
    public const string DatabaseConnectionName = "orchestratordb";

    /// <summary>Everything StateStore runs but its consumers: the database, the outbox and the monitors.</summary>
    public static TBuilder AddStateStore<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(DatabaseConnectionName)
            ?? throw new InvalidOperationException(
                $"No Postgres connection string: set ConnectionStrings:{DatabaseConnectionName}.");
        builder.Services.AddDbContext<OrchestratorDbContext>(options => options.UseNpgsql(connectionString));
        builder.Services.AddHostedService<DatabaseMigrator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<OutboxWriter>();
        builder.Services.AddScoped<StateTransaction>();
        builder.Services.AddScoped<TaskLifecycle>();
        builder.Services.AddHostedService<OutboxDispatcher>();

        builder.Services.Configure<LivenessOptions>(builder.Configuration.GetSection(LivenessOptions.Section));
        builder.Services.AddHostedService<NodeLivenessMonitor>();

        builder.Services.Configure<ClusterMetricsOptions>(builder.Configuration.GetSection(ClusterMetricsOptions.Section));
        builder.Services.AddSingleton<ClusterMetrics>();
        builder.Services.AddHostedService<ClusterMetricsCollector>();
        return builder;
    }

    /// <summary>The queue of the agents' reports about their tasks, consumed one at a time.</summary>
    public const string TaskReportsQueue = "task-reports";

    // An agent reports a task's start, restarts, health and exit in order. One queue, consumed one message at
    // a time with retries in place, applies them in that order; separate queues would race each other.
    private static readonly Type[] TaskReportConsumers =
    [
        typeof(TaskProgressedConsumer),
        typeof(TaskStartedConsumer),
        typeof(TaskRestartedConsumer),
        typeof(TaskHealthChangedConsumer),
        typeof(TaskExitedConsumer),
    ];

    /// <summary>StateStore's consumers, for whichever bus the host configures.</summary>
    public static IBusRegistrationConfigurator AddStateStoreConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumers(type => !TaskReportConsumers.Contains(type), typeof(SubmitTaskConsumer).Assembly);
        foreach (var consumer in TaskReportConsumers)
        {
            bus.AddConsumer(consumer).Endpoint(endpoint =>
            {
                endpoint.Name = TaskReportsQueue;
                endpoint.ConcurrentMessageLimit = 1;
            });
        }
        return bus;
    }
}
