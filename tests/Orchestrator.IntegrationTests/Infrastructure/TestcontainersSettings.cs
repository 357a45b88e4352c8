using System.Runtime.CompilerServices;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>How Testcontainers runs here, set once for every fixture before any of them starts a container.</summary>
internal static class TestcontainersSettings
{
    [ModuleInitializer]
    internal static void Apply()
    {
        // The reaper image cannot be pulled here (fixtures clean up after themselves), and published ports are
        // reached on loopback.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
    }
}
