namespace Orchestrator.Contracts;

public sealed record VolumeList(IReadOnlyList<VolumeDetails> Volumes);
