using System.Diagnostics;
using Orchestrator.Tests.Shared;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Runs the repository's own scripts (deploy/…), so a test uses exactly what a user would.</summary>
public static class RepositoryScripts
{
    public static string Root => Repository.Root;

    /// <summary>Runs <c>bash SCRIPT ARGS</c> from the repository root; fails with its output if it fails or hangs.</summary>
    public static async Task<string> RunAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Root, script));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}: {await output}{await errors}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited with {process.ExitCode}: {await output}{await errors}");
        return await output;
    }
}
