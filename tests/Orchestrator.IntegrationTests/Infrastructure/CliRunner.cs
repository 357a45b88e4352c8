using Orchestrator.Cli;
using Spectre.Console;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The CLI run in-process, its output captured as a terminal without colours would show it.</summary>
public static class CliRunner
{
    /// <summary>The CLI with exactly these arguments.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        // A bound, so that a command that never finishes fails the test instead of hanging the run.
        var exitCode = await CliApp.RunAsync(args, console, errors).WaitAsync(TimeSpan.FromMinutes(3));
        return (exitCode, output.ToString(), errors.ToString());
    }
}
