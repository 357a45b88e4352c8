using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>Answers the Api with the volumes this agent made for tasks, and who uses each.</summary>
public sealed class ListVolumesConsumer(DockerVolumes volumes) : IConsumer<ListVolumes>
{
    public async Task Consume(ConsumeContext<ListVolumes> context) =>
        await context.RespondAsync(new VolumeList(await volumes.ListAsync(context.CancellationToken)));
}
