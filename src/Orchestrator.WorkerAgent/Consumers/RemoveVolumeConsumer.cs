using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>Removes a volume this agent made, unless a container references it. Removing one already gone answers not found.</summary>
public sealed class RemoveVolumeConsumer(DockerVolumes volumes) : IConsumer<RemoveVolume>
{
    public async Task Consume(ConsumeContext<RemoveVolume> context)
    {
        switch (await volumes.RemoveAsync(context.Message.Name, context.CancellationToken))
        {
            case VolumeRemoved removed:
                await context.RespondAsync(removed);
                break;
            case VolumeRemovalRefused refused:
                await context.RespondAsync(refused);
                break;
            case VolumeNotFound missing:
                await context.RespondAsync(missing);
                break;
        }
    }
}
