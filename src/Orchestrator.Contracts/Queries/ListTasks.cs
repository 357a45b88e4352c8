namespace Orchestrator.Contracts;

/// <summary>Answered with <see cref="TaskList"/>, newest first.</summary>
public sealed record ListTasks(int Limit = 500);
