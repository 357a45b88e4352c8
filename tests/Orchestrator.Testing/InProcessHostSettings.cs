using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Testing;

/// <summary>How the in-process hosts are built beyond their configuration: the environment, and extra logging.</summary>
public sealed record InProcessHostSettings(string Environment, Action<ILoggingBuilder>? ConfigureLogging = null)
{
    public static readonly InProcessHostSettings Production = new(Environments.Production);
}
