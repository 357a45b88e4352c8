using MassTransit;
using MassTransit.Transports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// One place for the bus: RabbitMQ from the <c>messaging</c> connection string (an amqp:// URI, as Aspire
/// gives it), kebab-case endpoint names, a short retry for transient faults, and every consumer's logs scoped
/// to the task and node its message names. Each service adds its own
/// consumers through <paramref name="configure"/>, so several services can share one bus in one process.
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
                $"No RabbitMQ connection string: set ConnectionStrings:{ConnectionName} to an amqp:// URI.");
        var address = new Uri(connectionString);

        // StateStore sends to one queue per agent; MassTransit keeps 1,000 send endpoints by default, and past that
        // it would close and reopen one (a channel and a queue declaration) for a StartTask to a node it evicted.
        SendEndpointCacheDefaults.Capacity = Math.Max(SendEndpointCacheDefaults.Capacity, MaxAgentQueues);

        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit 8.4+ reports its configuration to its authors over the internet unless told not to;
            // an orchestrator sends nothing anywhere its operator did not configure.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetKebabCaseEndpointNameFormatter();
            configure(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var (user, password) = Credentials(address);
                rabbit.Host(address.Host, (ushort)(address.IsDefaultPort ? 5672 : address.Port), VirtualHost(address), host =>
                {
                    host.Username(user);
                    host.Password(password);
                });
                // Every message names the broker user it was published under. The broker refuses a message whose
                // user-id is not its connection's, so a receiver knows who sent it: StateStore takes an agent's
                // report about a node only from that node's own user or a shared one (AgentIdentity).
                rabbit.ConfigureSend(send => send.UseExecute(context => StampUser(context, user)));
                rabbit.ConfigurePublish(publish => publish.UseExecute(context => StampUser(context, user)));
                rabbit.UseMessageRetry(Retry);
                rabbit.UseConsumeFilter(typeof(MessageLogScopeFilter<>), context);
                configureBus?.Invoke(context, rabbit);
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

    private static string VirtualHost(Uri address)
    {
        var path = Uri.UnescapeDataString(address.AbsolutePath.TrimStart('/'));
        return string.IsNullOrEmpty(path) ? "/" : path;
    }

    private static (string User, string Password) Credentials(Uri address)
    {
        if (string.IsNullOrEmpty(address.UserInfo))
            return ("guest", "guest");
        var parts = address.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }
}
