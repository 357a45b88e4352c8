using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Consumers.TaskReports;
using Orchestrator.StateStore.Idempotency;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Retention;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Orchestrator.StateStore.Secrets;
using Orchestrator.StateStore.Security;
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Extensions;

public static class StateStoreExtensions
{
    public const string DatabaseConnectionName = OrchestratorDbContext.ConnectionName;

    /// <summary>Everything StateStore runs but its consumers: the database, the outbox and the monitors (nodes, jobs).</summary>
    public static TBuilder AddStateStore<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = Tuned(builder.Configuration.GetConnectionString(DatabaseConnectionName)
            ?? throw new InvalidOperationException(
                $"No Postgres connection string: set ConnectionStrings:{DatabaseConnectionName}."));
        ClusterTls.CheckDatabase(ClusterTls.Read(builder.Configuration), connectionString, $"ConnectionStrings:{DatabaseConnectionName}");
        // Pooled: every message is a scope, and a pooled context skips building its services each time.
        builder.Services.AddDbContextPool<OrchestratorDbContext>(options => options.UseNpgsql(connectionString, npgsql =>
            OrchestratorDbContext.PinHistoryTable(npgsql)
                .ConfigureDataSource(source => source.ConfigureTracing(tracing => tracing
                    // A command is traced as part of the work that ran it (a request, a message, a dispatch). The
                    // outbox's and the liveness monitor's polls run on their own, every second or so, and would
                    // otherwise each be a trace of one query, burying the traces a user follows in the dashboard.
                    .ConfigureCommandFilter(_ => Activity.Current is not null)
                    .ConfigureBatchFilter(_ => Activity.Current is not null)))));
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateSettingsOnStart(DatabaseOptions.Section);
        builder.Services.AddHostedService<DatabaseMigrator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<OutboxWriter>();
        builder.Services.AddScoped<StateTransaction>();
        builder.Services.AddScoped<TaskLifecycle>();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .ValidateSettingsOnStart(OutboxOptions.Section);
        builder.Services.AddHostedService<OutboxDispatcher>();

        builder.Services.AddOptions<LeadershipOptions>().BindConfiguration(LeadershipOptions.Section)
            .ValidateSettingsOnStart(LeadershipOptions.Section);
        builder.Services.AddSingleton<LeaseKeeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LeaseKeeper>());

        builder.Services.AddOptions<LivenessOptions>().BindConfiguration(LivenessOptions.Section)
            .ValidateSettingsOnStart(LivenessOptions.Section);
        builder.Services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.Section)
            .ValidateSettingsOnStart(AdmissionOptions.Section);
        builder.Services.AddSingleton<AdmissionControl>();
        builder.Services.AddSingleton<HeartbeatBacklog>();
        builder.Services.AddHostedService<NodeLivenessMonitor>();

        builder.Services.AddOptions<ReportSenderOptions>().BindConfiguration(ReportSenderOptions.Section)
            .ValidateSettingsOnStart(ReportSenderOptions.Section);
        builder.Services.AddSingleton<ReportSenders>();

        builder.AddSecretVault();

        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section)
            .ValidateSettingsOnStart(JobOptions.Section);
        builder.Services.AddScoped<JobReconciler>();
        builder.Services.AddHostedService<JobMonitor>();

        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .ValidateSettingsOnStart(RetentionOptions.Section);
        builder.Services.AddHostedService<FinishedTaskRetention>();
        builder.Services.AddHostedService<IdempotencyKeyRetention>();
        builder.Services.AddSingleton<IdempotencyLedger>();

        builder.Services.AddOptions<ClusterMetricsOptions>().BindConfiguration(ClusterMetricsOptions.Section)
            .ValidateSettingsOnStart(ClusterMetricsOptions.Section);
        builder.Services.AddSingleton<ClusterMetrics>();
        builder.Services.AddHostedService<ClusterMetricsCollector>();
        return builder;
    }

    /// <summary>
    /// Secrets, when the operator gave a key: Data Protection with its key ring in StateStore's database, each key
    /// encrypted with the operator's (<see cref="OperatorKeyXmlEncryptor"/>). Without a key the vault says why it keeps
    /// no secrets, and a bad key stops StateStore at start with a line naming the setting.
    /// </summary>
    private static void AddSecretVault(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecretOptions>().BindConfiguration(SecretOptions.Section)
            .ValidateSettingsOnStart(SecretOptions.Section);
        builder.Services.AddSingleton<SecretVault>();
        var key = OperatorKey.From(builder.Configuration.GetSection(SecretOptions.Section).Get<SecretOptions>() ?? new SecretOptions());
        if (key is null)
            return;
        builder.Services.AddSingleton(key);
        builder.Services.AddDataProtection()
            .SetApplicationName("orchestrator-statestore")
            .PersistKeysToDbContext<OrchestratorDbContext>();
        builder.Services.Configure<KeyManagementOptions>(options => options.XmlEncryptor = new OperatorKeyXmlEncryptor(key));
    }

    /// <summary>
    /// StateStore runs a few dozen statements, each with the same text every time. Without prepared statements
    /// Postgres parses and plans each one on every call (a profile of the task reads showed its parser and planner
    /// in the top of its samples); Npgsql prepares a statement on a connection once it has run it there a few times
    /// (five, by default). A connection string that sets its own limit keeps it. StateStore changes no session state
    /// (its advisory locks are transaction-scoped), so a pooled connection is not reset before its next use: the
    /// reset is a statement of its own, parsed each time.
    /// <para>
    /// A connection string may list several servers, a primary and its standbys (<c>Host=pg1,pg2</c>). StateStore
    /// writes, so it connects only to the one that takes writes (<c>Target Session Attributes=read-write</c>, unless
    /// the string says otherwise), and when a standby is promoted it finds the new primary by itself. Npgsql remembers
    /// which server was a standby for <see cref="HostRecheck"/>, not its default 10 s, so a promotion is noticed soon.
    /// </para>
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxAutoPrepare == 0)
            settings.MaxAutoPrepare = MaxPreparedStatements;
        settings.NoResetOnClose = true;
        if (settings.Host?.Contains(',') == true)
        {
            settings.TargetSessionAttributes ??= "read-write";
            if (!connectionString.Contains("Host Recheck", StringComparison.OrdinalIgnoreCase))
                settings.HostRecheckSeconds = (int)HostRecheck.TotalSeconds;
        }
        return settings.ConnectionString;
    }

    private static readonly TimeSpan HostRecheck = TimeSpan.FromSeconds(2);

    /// <summary>More than StateStore's distinct statements, so none is evicted and re-prepared.</summary>
    private const int MaxPreparedStatements = 100;

    /// <summary>
    /// StateStore's consumers, for whichever bus the host configures: every consumer in this assembly, each on the
    /// endpoint its definition beside it describes (the Api's requests, the heartbeats' batches), or on one named after
    /// it when it has none; the task reports on their queues (<see cref="TaskReportQueues"/>).
    /// </summary>
    public static IBusRegistrationConfigurator AddStateStoreConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddOptions<ConsumerOptions>().BindConfiguration(ConsumerOptions.Section)
            .ValidateSettingsOnStart(ConsumerOptions.Section);
        // The commits the submissions and the task reports share.
        bus.AddSingleton<GroupCommit>();
        bus.AddConsumers(typeof(StateStoreExtensions).Assembly);
        bus.AddSingleton<IReceiveEndpointSetup, TaskReportQueues>();
        return bus;
    }
}
