namespace Orchestrator.Contracts;

/// <summary>
/// An agent to StateStore, as it starts a task with <c>upstreams</c>: the addresses of those services' passing
/// instances. Answered with <see cref="ServiceAddresses"/>.
/// </summary>
public sealed record GetServiceAddresses(IReadOnlyList<string> Services);

/// <summary>Each service asked for, with its passing instances as <c>address:port</c>; none when it has none.</summary>
public sealed record ServiceAddresses(IReadOnlyDictionary<string, IReadOnlyList<string>> Addresses);
