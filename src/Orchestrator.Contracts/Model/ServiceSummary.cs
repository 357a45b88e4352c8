namespace Orchestrator.Contracts;

/// <summary>A service in <c>GET /api/services</c>: its instances counted, and the tags and routes (host and path prefix) they declare.</summary>
public sealed record ServiceSummary(string Name, int Passing, int Failing, IReadOnlyList<string> Tags, IReadOnlyList<string> Routes);
