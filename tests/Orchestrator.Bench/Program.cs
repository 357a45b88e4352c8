using System.Runtime.InteropServices;
using Orchestrator.Bench.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

// Redirected output has no terminal width; keep the tables whole for a log file.
if (Console.IsOutputRedirected)
    AnsiConsole.Console.Profile.Width = 200;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("bench");
    config.PropagateExceptions();
    config.AddCommand<RealEngineCommand>("real")
        .WithDescription("Submit to Running on this machine's Docker engine, beside a bare create+start, and a burst")
        .WithExample("real", "--tasks", "30", "--rate", "2", "--burst", "100");
    config.AddCommand<SimulatedCommand>("simulated")
        .WithDescription("Placements per second and submit to Running across many simulated nodes")
        .WithExample("simulated", "--nodes", "1000", "--rate", "300", "--duration", "120");
    config.AddCommand<HeartbeatsCommand>("heartbeats")
        .WithDescription("Many simulated nodes heartbeating; counts nodes falsely marked Down")
        .WithExample("heartbeats", "--nodes", "1000", "--interval", "5", "--duration", "600");
    config.AddCommand<ApiLoadCommand>("api")
        .WithDescription("Sustained rate and latency of POST /api/tasks and GET /api/tasks/{id}")
        .WithExample("api", "--duration", "30", "--connections", "32");
    config.AddCommand<WebCommand>("web")
        .WithDescription("How long the web UI's overview and task list take to render on a large cluster, and what an open page costs it")
        .WithExample("web", "--nodes", "1000", "--tasks", "10000");
    config.AddCommand<GatewayCommand>("gateway")
        .WithDescription("What the gateway adds to a request on loopback, its requests per second, and how fast a catalog change reaches it")
        .WithExample("gateway", "--connections", "32", "--services", "1000");
});

// Ctrl+C and `kill <pid>` (SIGTERM) alike end the run the same way: it removes every container it made.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    cancellation.Cancel();
});
try
{
    return await app.RunAsync(args, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    // The cluster is disposed on the way out, so its containers are gone by now.
    Console.Error.WriteLine("bench: stopped before the run finished; nothing was reported");
    return 130;
}
