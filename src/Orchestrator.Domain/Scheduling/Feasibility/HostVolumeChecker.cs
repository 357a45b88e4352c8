using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>
/// The node offers every host volume the task mounts, and a read-only one only to a read-only mount: the operator
/// who declared it read-only did not let tasks write to that path.
/// </summary>
public sealed class HostVolumeChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => FirstUnmet(ask, node) is null;

    public string Explain(in PlacementAsk ask, NodeSnapshot node)
    {
        var mount = FirstUnmet(ask, node)!;
        return node.HostVolume(mount.Source!) is null
            ? $"without host volume {mount.Source}"
            : $"host volume {mount.Source} is read-only";
    }

    private static Mount? FirstUnmet(in PlacementAsk ask, NodeSnapshot node)
    {
        foreach (var mount in ask.HostMounts)
        {
            var offered = node.HostVolume(mount.Source!);
            if (offered is null || (offered.ReadOnly && !mount.ReadOnly))
                return mount;
        }
        return null;
    }
}
