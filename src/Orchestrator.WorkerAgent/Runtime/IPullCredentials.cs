using Docker.DotNet.Models;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The credentials stored for the registry of a task's image, asked for only when the agent is about to pull it, for
/// one attempt placed on this node. Held in memory for the pull only, and never logged.
/// </summary>
public interface IPullCredentials
{
    /// <summary>The credentials for the image's registry, or null when none are stored (the pull is anonymous).</summary>
    /// <exception cref="ContainerStartException">The control plane refused them or did not answer.</exception>
    Task<AuthConfig?> ForAsync(ContainerLaunch launch, CancellationToken cancellationToken);
}
