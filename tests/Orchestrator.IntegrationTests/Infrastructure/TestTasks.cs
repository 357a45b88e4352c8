namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Task specs more than one test class submits.</summary>
public static class TestTasks
{
    /// <summary>Reads 64 MiB into an 8 MiB limit: the kernel OOM-kills it at once, exit 137. It is never restarted.</summary>
    public static object MemoryHog(string name) => new
    {
        name,
        image = TestImages.Workload,
        command = new[] { "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1" },
        resources = new { memoryMb = 8 },
        restartPolicy = new { mode = "Never" },
    };
}
