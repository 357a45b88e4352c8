namespace Orchestrator.Contracts;

/// <summary>Answered with <see cref="NodeList"/>.</summary>
public sealed record ListNodes;
