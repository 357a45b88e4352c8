using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using MassTransit.Middleware;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Consumers.Jobs;
using Orchestrator.StateStore.Consumers.TaskReports;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Security;
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Extensions;

public static class StateStoreExtensions
{
    public const string DatabaseConnectionName = "orchestratordb";

    /// <summary>Everything StateStore runs but its consumers: the database, the outbox and the monitors (nodes, jobs).</summary>
    public static TBuilder AddStateStore<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = WithPreparedStatements(builder.Configuration.GetConnectionString(DatabaseConnectionName)
            ?? throw new InvalidOperationException(
                $"No Postgres connection string: set ConnectionStrings:{DatabaseConnectionName}."));
        // Pooled: every message is a scope, and a pooled context skips building its services each time.
        builder.Services.AddDbContextPool<OrchestratorDbContext>(options => options.UseNpgsql(connectionString, npgsql =>
            npgsql.ConfigureDataSource(source => source.ConfigureTracing(tracing => tracing
                // A command is traced as part of the work that ran it (a request, a message, a dispatch). The
                // outbox's and the liveness monitor's polls run on their own, every second or so, and would
                // otherwise each be a trace of one query, burying the traces a user follows in the dashboard.
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null)))));
        builder.Services.AddHostedService<DatabaseMigrator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<OutboxWriter>();
        builder.Services.AddScoped<StateTransaction>();
        builder.Services.AddScoped<TaskLifecycle>();
        builder.Services.AddHostedService<OutboxDispatcher>();

        builder.Services.Configure<LivenessOptions>(builder.Configuration.GetSection(LivenessOptions.Section));
        builder.Services.Configure<AdmissionOptions>(builder.Configuration.GetSection(AdmissionOptions.Section));
        builder.Services.AddSingleton<AdmissionControl>();
        builder.Services.AddSingleton<HeartbeatBacklog>();
        builder.Services.AddHostedService<NodeLivenessMonitor>();

        builder.Services.Configure<ReportSenderOptions>(builder.Configuration.GetSection(ReportSenderOptions.Section));
        builder.Services.AddSingleton<ReportSenders>();

        builder.Services.Configure<JobOptions>(builder.Configuration.GetSection(JobOptions.Section));
        builder.Services.AddScoped<JobReconciler>();
        builder.Services.AddHostedService<JobMonitor>();

        builder.Services.Configure<ClusterMetricsOptions>(builder.Configuration.GetSection(ClusterMetricsOptions.Section));
        builder.Services.AddSingleton<ClusterMetrics>();
        builder.Services.AddHostedService<ClusterMetricsCollector>();
        return builder;
    }

    /// <summary>
    /// StateStore runs a few dozen statements, each with the same text every time. Without prepared statements
    /// Postgres parses and plans each one on every call (a profile of the task reads showed its parser and planner
    /// in the top of its samples); Npgsql prepares a statement on a connection once it has run it there a few times
    /// (five, by default). A connection string that sets its own limit keeps it. StateStore changes no session state
    /// (its advisory locks are transaction-scoped), so a pooled connection is not reset before its next use: the
    /// reset is a statement of its own, parsed each time.
    /// </summary>
    private static string WithPreparedStatements(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxAutoPrepare == 0)
            settings.MaxAutoPrepare = MaxPreparedStatements;
        settings.NoResetOnClose = true;
        return settings.ConnectionString;
    }

    /// <summary>More than StateStore's distinct statements, so none is evicted and re-prepared.</summary>
    private const int MaxPreparedStatements = 100;

    /// <summary>The queue of the agents' reports about their tasks.</summary>
    public const string TaskReportsQueue = "task-reports";

    /// <summary>How many tasks' reports StateStore applies at once.</summary>
    public const int TaskReportPartitions = 8;

    /// <summary>How many of the Api's requests of one kind StateStore answers at once.</summary>
    public const int ApiRequestConcurrency = 32;

    private static readonly Type[] ApiRequestConsumers =
    [
        typeof(SubmitTaskConsumer), typeof(CancelTaskConsumer), typeof(GetTaskConsumer), typeof(ListTasksConsumer),
        typeof(GetTaskEventsConsumer), typeof(ListNodesConsumer), typeof(DrainNodeConsumer), typeof(MarkNodeReadyConsumer),
        typeof(ApplyJobConsumer), typeof(ExistingJobConsumer), typeof(GetJobConsumer), typeof(ListJobsConsumer),
    ];

    /// <summary>StateStore's consumers, for whichever bus the host configures.</summary>
    public static IBusRegistrationConfigurator AddStateStoreConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumers(
            type => type.Namespace != typeof(TaskStartedConsumer).Namespace && type != typeof(NodeHeartbeatConsumer)
                && !ApiRequestConsumers.Contains(type),
            typeof(SubmitTaskConsumer).Assembly);
        // A caller of the Api waits on each of these, and each waits mostly on Postgres (a commit, a read), not on a
        // core. With MassTransit's default (16 at once) the Api's POST rate measured about 10 % lower (Bench api).
        foreach (var consumer in ApiRequestConsumers)
            bus.AddConsumer(consumer).Endpoint(endpoint =>
            {
                endpoint.PrefetchCount = ApiRequestConcurrency;
                endpoint.ConcurrentMessageLimit = ApiRequestConcurrency;
            });
        bus.AddConsumer<NodeHeartbeatConsumer>(consumer => consumer.Options<BatchOptions>(batch => batch
                .SetMessageLimit(NodeHeartbeatConsumer.BatchLimit)
                .SetTimeLimit(NodeHeartbeatConsumer.BatchWindow)
                .SetConcurrencyLimit(1)))
            // A heartbeat that still fails after its retries (the database is down) is not kept in an error queue:
            // the node's next heartbeat, seconds later, says everything it did.
            .Endpoint(endpoint => endpoint.AddConfigureEndpointCallback((_, receive) => receive.DiscardFaultedMessages()));

        // An agent reports a task's start, restarts, health and exit in order, and they must be applied in that
        // order; reports about different tasks are independent. So one queue, partitioned by task id: a task's
        // reports go through one partition one at a time, retries included, so a report being retried is never
        // overtaken by the next one about the same task, while other tasks' reports go on in other partitions.
        var partitioner = new Partitioner(TaskReportPartitions, new Murmur3UnsafeHashGenerator());
        AddTaskReport<TaskProgressedConsumer, TaskProgressed>(bus, partitioner, report => report.TaskId, report => report.NodeId);
        AddTaskReport<TaskStartedConsumer, TaskStarted>(bus, partitioner, report => report.TaskId, report => report.NodeId);
        AddTaskReport<TaskRestartedConsumer, TaskRestarted>(bus, partitioner, report => report.TaskId, report => report.NodeId);
        AddTaskReport<TaskHealthChangedConsumer, TaskHealthChanged>(bus, partitioner, report => report.TaskId, report => report.NodeId);
        AddTaskReport<TaskExitedConsumer, TaskExited>(bus, partitioner, report => report.TaskId, report => report.NodeId);
        return bus;
    }

    private static void AddTaskReport<TConsumer, TReport>(
        IBusRegistrationConfigurator bus, IPartitioner partitioner, Func<TReport, Guid> taskId, Func<TReport, Guid> nodeId)
        where TConsumer : class, IConsumer<TReport>
        where TReport : class
    {
        bus.AddConsumer<TConsumer>((registration, consumer) =>
            {
                consumer.Message<TReport>(report =>
                {
                    report.UseFilter(new ReportSenderFilter<TReport>(registration.GetRequiredService<ReportSenders>(), nodeId));
                    report.UsePartitioner(partitioner, context => taskId(context.Message));
                    report.UseFilter(new DatabaseOutageFilter<TReport>());
                });
                // MassTransit adds a consumer's retry to each message pipe after the filters configured here, so
                // it runs inside the partition.
                consumer.UseMessageRetry(MessagingExtensions.Retry);
            })
            .Endpoint(endpoint =>
            {
                endpoint.Name = TaskReportsQueue;
                endpoint.ConcurrentMessageLimit = TaskReportPartitions * 2;
            });
    }
}
