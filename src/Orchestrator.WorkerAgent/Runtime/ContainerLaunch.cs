using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// What the runtime needs to run one attempt of a task: the driver's own input, as Nomad's drivers take a task
/// config rather than the server's message, so the contract does not change when the wire message does.
/// </summary>
/// <param name="Job">The task's job and its slot there, which name the slot's volumes (<see cref="Mount.VolumeName"/>).</param>
public sealed record ContainerLaunch(Guid TaskId, int Attempt, TaskSpec Spec, string? Job = null, int? Slot = null);
