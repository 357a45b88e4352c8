namespace Orchestrator.Contracts;

public sealed record NodeList(IReadOnlyList<NodeDetails> Nodes);
