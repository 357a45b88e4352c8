namespace Orchestrator.Contracts;

/// <summary>A published port: the container port and the host port the engine bound (0 until known).</summary>
public sealed record PortBinding(int ContainerPort, int HostPort, string Protocol);
