using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Services;

/// <summary>
/// A service a task offers at one of its container ports: <c>{"name": "web", "port": 8080, "tags": ["v2"],
/// "route": {"host": "web.localtest.me", "pathPrefix": "/"}}</c>. The task's instances are listed in the catalog
/// under <see cref="Name"/>, at their node's address and the host port the container port is published on; a
/// <see cref="Route"/> also puts them behind the gateway.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ServiceSpec
{
    public string Name { get; init; } = "";

    /// <summary>One of the task's container ports (tcp).</summary>
    public int Port { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public ServiceRoute? Route { get; init; }

    [JsonIgnore]
    public IReadOnlyList<string> TagsOrEmpty => Tags ?? [];
}

/// <summary>The HTTP requests the gateway sends to a service: those for <see cref="Host"/> whose path starts with <see cref="PathPrefix"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ServiceRoute
{
    public string Host { get; init; } = "";

    public string PathPrefix { get; init; } = "/";

    /// <summary>The route as two jobs' routes are compared: host names are case-insensitive, a trailing '/' is not significant.</summary>
    [JsonIgnore]
    public string Key => $"{Host.ToLowerInvariant()}{NormalizedPrefix}";

    /// <summary>The prefix without its trailing '/', "" for the root: what YARP's <c>{**rest}</c> path pattern is built on.</summary>
    [JsonIgnore]
    public string NormalizedPrefix => PathPrefix.TrimEnd('/');
}
