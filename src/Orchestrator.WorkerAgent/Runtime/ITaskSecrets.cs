namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The values of the secrets a task uses (<see cref="Domain.Tasks.TaskSpec.SecretNames"/>), fetched for one attempt
/// placed on this node, at its start. They are held in memory only: written to the task's files on tmpfs, or into
/// the container's environment for <c>secretEnv</c>, and never logged.
/// </summary>
public interface ITaskSecrets
{
    /// <exception cref="ContainerStartException">A secret could not be had: unknown, or the control plane refused or did not answer.</exception>
    Task<IReadOnlyDictionary<string, byte[]>> FetchAsync(ContainerLaunch launch, CancellationToken cancellationToken);
}
