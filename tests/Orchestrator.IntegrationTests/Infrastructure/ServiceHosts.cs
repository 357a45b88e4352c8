using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// How the tests' in-process services are built (by <see cref="InProcessServices"/>, exactly as each Program.cs
/// builds them): in Development, as a developer runs them (the OpenAPI page included), with every host's log lines
/// also kept by <see cref="LogRecorder"/>.
/// </summary>
public static class ServiceHosts
{
    public static readonly InProcessHostSettings Settings = new(Environments.Development, RecordLogs);

    /// <summary>The project's Information lines go to <see cref="LogRecorder"/>, whatever the console's level.</summary>
    private static void RecordLogs(ILoggingBuilder logging)
    {
        logging.AddProvider(new LogRecorder.Provider());
        logging.AddFilter<LogRecorder.Provider>("Orchestrator", LogLevel.Information);
    }
}
