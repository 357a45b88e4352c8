using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// What the runtime needs to run one attempt of a task: the driver's own input, as Nomad's drivers take a task
/// config rather than the server's message, so the contract does not change when the wire message does.
/// </summary>
public sealed record ContainerLaunch(Guid TaskId, int Attempt, TaskSpec Spec);
