namespace Orchestrator.Testing;

/// <summary>Where the agents that tests and the bench run on this machine keep what must be on the host.</summary>
public static class TestAgentPaths
{
    /// <summary>
    /// The agents' <c>Agent:TaskFilesPath</c>: under /dev/shm, which is tmpfs on every Linux host, as the default /run
    /// is not on every test machine. Agents share it safely, each under its node's own directory.
    /// </summary>
    public const string TaskFiles = "/dev/shm/orchestrator-tests/tasks";
}
