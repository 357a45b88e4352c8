using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>The cluster at a glance: how many tasks are in each state (every state is listed, 0 included).</summary>
public sealed record ClusterSummary(IReadOnlyDictionary<TaskState, int> TasksByState);

/// <summary>The caller as the Api knows it: its key's name, and whether it may change anything or only read.</summary>
public sealed record CallerDetails(string Name, bool CanChange);
