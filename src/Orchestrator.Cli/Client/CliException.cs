namespace Orchestrator.Cli.Client;

/// <summary>An expected failure, shown as one line on stderr with no stack trace.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
