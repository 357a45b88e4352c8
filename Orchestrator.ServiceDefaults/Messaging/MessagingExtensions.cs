using System.Security.Authentication;
using MassTransit;
using MassTransit.Transports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// One place for the bus: RabbitMQ from the <c>messaging</c> connection string (an amqp:// URI, as Aspire
/// gives it, which may name several nodes of a cluster: <see cref="BrokerAddress"/>), quorum queues, kebab-case
/// endpoint names, a short retry for transient faults, and every consumer's logs scoped to the task and node its
/// message names. Each service adds its own consumers through <paramref name="configure"/>, so several services can
/// share one bus in one process.
/// </summary>
public static class MessagingExtensions
{
    public const string ConnectionName = "messaging";

    /// <summary>The most agents (each with its own queue) a StateStore sends to without reopening send endpoints.</summary>
    public const int MaxAgentQueues = 20_000;

    /// <summary>The retry for transient faults (a lost optimistic-concurrency race, a dropped connection).</summary>
    public static void Retry(IRetryConfigurator retry) => retry.Intervals(100, 500, 1000, 2000);

    public static TBuilder AddOrchestratorBus<TBuilder>(
        this TBuilder builder,
        Action<IBusRegistrationConfigurator> configure,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"No RabbitMQ connection string: set ConnectionStrings:{ConnectionName} to an amqp:// or amqps:// URI.");
        var address = BrokerAddress.Parse(connectionString);
        var tls = ClusterTls.Read(builder.Configuration);
        ClusterTls.CheckBroker(tls, address);
        var validator = address.Tls ? ClusterTls.ServerValidator(tls) : null;

        // StateStore sends to one queue per agent; MassTransit keeps 1,000 send endpoints by default, and past that
        // it would close and reopen one (a channel and an exchange declaration) for a StartTask to a node it evicted.
        SendEndpointCacheDefaults.Capacity = Math.Max(SendEndpointCacheDefaults.Capacity, MaxAgentQueues);

        // A process whose bus stalls while the broker is up ends itself, for its supervisor to start afresh.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SendProgress>();
        builder.Services.AddSendObserver(services => services.GetRequiredService<SendProgress>());
        builder.Services.AddPublishObserver(services => services.GetRequiredService<SendProgress>());
        builder.Services.AddOptions<BusWatchdogOptions>().BindConfiguration(BusWatchdogOptions.Section)
            .ValidateSettingsOnStart(BusWatchdogOptions.Section);
        builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<BusWatchdog>(services, address));

        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit 8.4+ reports its configuration to its authors over the internet unless told not to;
            // an orchestrator sends nothing anywhere its operator did not configure.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetKebabCaseEndpointNameFormatter();
            configure(bus);
            bus.AddRabbitMqConfigureEndpointsCallback((_, _, endpoint) => UseQuorumQueue(endpoint));
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var first = address.Nodes[0];
                rabbit.Host(first.Host, first.Port, address.VirtualHost, host =>
                {
                    host.Username(address.User);
                    host.Password(address.Password);
                    if (validator is not null)
                        // The server's certificate must name the host it is reached by and chain to a trusted authority
                        // (Tls:CaFile, or the machine's store): a broker that cannot prove itself gets no messages.
                        host.UseSsl(ssl =>
                        {
                            ssl.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
                            ssl.CertificateValidationCallback = validator;
                        });
                    if (address.Nodes.Count > 1)
                        host.UseCluster(cluster =>
                        {
                            foreach (var node in address.Nodes)
                                cluster.Node(node.ToString());
                        });
                });
                // Every message names the broker user it was published under. The broker refuses a message whose
                // user-id is not its connection's, so a receiver knows who sent it: StateStore takes an agent's
                // report about a node only from that node's own user or a shared one (AgentIdentity).
                rabbit.ConfigureSend(send => send.UseExecute(context => StampUser(context, address.User)));
                rabbit.ConfigurePublish(publish => publish.UseExecute(context => StampUser(context, address.User)));
                rabbit.UseMessageRetry(Retry);
                rabbit.UseConsumeFilter(typeof(MessageLogScopeFilter<>), context);
                configureBus?.Invoke(context, rabbit);
                foreach (var setup in context.GetServices<IReceiveEndpointSetup>())
                    setup.Configure(context, rabbit);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    private static void StampUser(SendContext context, string user)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.BasicProperties.UserId = user;
    }

    /// <summary>The broker user a message was published under, as the broker checked it; null if it named none.</summary>
    public static string? SenderOf(ConsumeContext context) =>
        context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit.Properties.UserId : null;

    /// <summary>
    /// Every durable queue is a quorum queue: replicated over the broker's cluster, so a message survives the loss of
    /// the node that held it (a classic queue lives on one node and is gone with it). The bus's own reply queue is
    /// temporary and stays classic. On a single broker a quorum queue is a cluster of one and works the same.
    /// </summary>
    public static void UseQuorumQueue(IRabbitMqReceiveEndpointConfigurator endpoint) => endpoint.SetQuorumQueue();
}
