using MassTransit;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Receive endpoints a service sets up by hand, for what a consumer's definition cannot say: several queues for one
/// consumer, such as StateStore's task-report queues. Registered in the service's container; the bus runs every one
/// before it configures the endpoints of the consumers' definitions.
/// </summary>
public interface IReceiveEndpointSetup
{
    void Configure(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator rabbit);
}
