namespace Orchestrator.Contracts;

/// <summary>How a container id reads in messages and tables: its first 12 hex digits, as docker prints it.</summary>
public static class ContainerIds
{
    public static string Short(string containerId) => containerId[..Math.Min(12, containerId.Length)];
}
