using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The project's services, each of which <see cref="ServiceProcess"/> can run as a process of its own.</summary>
public enum OrchestratorService
{
    Api,
    Scheduler,
    StateStore,
    WorkerAgent,
}

/// <summary>
/// One of the project's services as a separate OS process, run from its own build output (<c>dotnet
/// src/Orchestrator.X/bin/…/Orchestrator.X.dll</c>), which building the test project brings up to date, so that a test can end it as a machine or an
/// operator would: SIGKILL (<see cref="KillAsync"/>) or SIGTERM (<see cref="StopAsync"/>), and start it again with
/// the same settings. Its console output is kept, the last lines for a failing assertion's message.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>The line the generic host logs once every hosted service has started.</summary>
    public const string StartedLine = "Application started";

    private const int KeptLines = 400;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Dictionary<string, string?> _environment;
    private readonly string _readyLine;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly SemaphoreSlim _starting = new(1, 1);
    private Process? _process;
    private volatile bool _ready;
    private volatile bool _ending;
    private int _restarts;

    /// <param name="service">Which service to run.</param>
    /// <param name="settings">
    /// Its configuration, with keys as in appsettings (<c>ConnectionStrings:orchestratordb</c>), e.g.
    /// <see cref="ServiceSettings.For"/> and the agent's name and data path; given to it as environment variables.
    /// </param>
    /// <param name="readyLine">
    /// Text of the console line after which the service counts as started; the Api is started once its /health answers.
    /// </param>
    public ServiceProcess(OrchestratorService service, IReadOnlyDictionary<string, string?> settings, string readyLine = StartedLine)
    {
        Service = service;
        _readyLine = readyLine;
        _environment = settings.ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value);
        // As the in-process hosts run (ServiceHosts), and with the host's lifetime lines that say it has started.
        _environment["DOTNET_ENVIRONMENT"] = ServiceHosts.Settings.Environment;
        _environment["ASPNETCORE_ENVIRONMENT"] = ServiceHosts.Settings.Environment;
        _environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        if (service == OrchestratorService.Api)
        {
            // A port of its own, kept across restarts, so that clients find it again.
            ApiAddress = new Uri($"http://127.0.0.1:{ClusterFixtureBase.FreeLoopbackPort()}");
            _environment["ASPNETCORE_URLS"] = ApiAddress.ToString();
        }
    }

    public OrchestratorService Service { get; }

    /// <summary>Where the Api listens; null for the other services.</summary>
    public Uri? ApiAddress { get; }

    /// <summary>The running process's id; null before the first start.</summary>
    public int? Pid => _process?.Id;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Started again when it ends itself to be restarted (<see cref="BusWatchdog.ExitCode"/>), as the supervisor an
    /// operator runs it under (systemd, compose) would; any other exit leaves it ended, for the test to see.
    /// </summary>
    public bool Supervised { get; init; }

    /// <summary>How often the supervisor started it again (<see cref="Supervised"/>).</summary>
    public int Restarts => _restarts;

    /// <summary>
    /// The assembly run: the service's own build output, of the configuration the tests were built in (the test
    /// project references every service, so each is built with it). Not the copy beside the tests: that folder holds
    /// the tests' dependencies, resolved for ASP.NET Core, which a worker service's runtime settings do not load.
    /// </summary>
    public string AssemblyPath
    {
        get
        {
            var testProject = Path.Combine(Repository.Root, "tests", "Orchestrator.IntegrationTests");
            var output = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
            var project = $"Orchestrator.{Service}";
            return Path.GetFullPath(Path.Combine(Repository.Root, "src", project, output, $"{project}.dll"));
        }
    }

    /// <summary>
    /// Starts the process and waits until it is ready: its <c>readyLine</c> was printed, or, for the Api, /health
    /// answers 200. Fails with its last output lines if it exits first or is not ready within 90 s.
    /// </summary>
    public async Task StartAsync()
    {
        await _starting.WaitAsync();
        try
        {
            if (IsRunning)
                throw new InvalidOperationException($"{Service} is already running (pid {Pid}).");
            await StartProcessAsync();
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task StartProcessAsync()
    {
        if (!File.Exists(AssemblyPath))
            throw new FileNotFoundException($"No build output for {Service}: build the test project first.", AssemblyPath);
        _process?.Dispose();
        _ready = false;
        _ending = false;

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var (name, value) in _environment)
            start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.Exited += (_, _) => RestartIfAsked(process);
        process.Start();
        _process = process;
        Keep($"--- {Service} started as pid {process.Id}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await IsReadyAsync())
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{Service} exited with {process.ExitCode} before it was ready:\n{Output()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Service} was not ready within {StartTimeout}:\n{Output()}");
            await Task.Delay(200);
        }
    }

    private void RestartIfAsked(Process process)
    {
        if (!Supervised || _ending || process.ExitCode != BusWatchdog.ExitCode)
            return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await _starting.WaitAsync();
            try
            {
                if (_ending || IsRunning || _process != process)
                    return;
                Keep($"--- {Service} (pid {process.Id}) exited with {process.ExitCode}: started again");
                Interlocked.Increment(ref _restarts);
                await StartProcessAsync();
            }
            catch (Exception failed)
            {
                Keep($"--- {Service} could not be started again: {failed.Message}");
            }
            finally
            {
                _starting.Release();
            }
        });
    }

    /// <summary>Ends the process with SIGKILL (by its own pid), as a lost machine or the OOM killer would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Service} was never started.");
        _ending = true;
        if (!process.HasExited)
            process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        Keep($"--- {Service} (pid {process.Id}) killed");
    }

    /// <summary>
    /// Asks the process to stop with SIGTERM, as an operator or an orchestrator would, and waits until it has exited;
    /// one that has not after <paramref name="timeout"/> (30 s by default) is killed, and the stop fails.
    /// </summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        var process = _process ?? throw new InvalidOperationException($"{Service} was never started.");
        _ending = true;
        if (process.HasExited)
            return;
        if (Signals.kill(process.Id, Signals.SIGTERM) != 0)
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Service} did not stop within {timeout ?? TimeSpan.FromSeconds(30)} of SIGTERM:\n{Output()}");
        }
        Keep($"--- {Service} (pid {process.Id}) stopped with exit code {process.ExitCode}");
    }

    /// <summary>
    /// Freezes the process (SIGSTOP): its connections stay open but it sends and answers nothing, as a host cut off from
    /// the network or stalled would. <see cref="Resume"/> lets it go on where it stopped.
    /// </summary>
    public void Pause() => Signal(Signals.SIGSTOP);

    public void Resume() => Signal(Signals.SIGCONT);

    private void Signal(int signal)
    {
        var process = _process ?? throw new InvalidOperationException($"{Service} was never started.");
        if (Signals.kill(process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        Keep($"--- {Service} (pid {process.Id}) sent signal {signal}");
    }

    /// <summary>The exit code of the last run, null while it runs or before it was started.</summary>
    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    /// <summary>The last <paramref name="lines"/> lines the process printed (stdout and stderr, across its runs).</summary>
    public string Output(int lines = 60) => string.Join('\n', _output.TakeLast(lines));

    private async Task<bool> IsReadyAsync()
    {
        if (ApiAddress is null)
            return _ready;
        try
        {
            using var response = await Http.GetAsync(new Uri(ApiAddress, "/health"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception failed) when (failed is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        if (line.Contains(_readyLine, StringComparison.Ordinal))
            _ready = true;
        _output.Enqueue(line);
        while (_output.Count > KeptLines)
            _output.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        _ending = true;
        if (_process is null)
            return;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static class Signals
    {
        public const int SIGTERM = 15;
        public const int SIGSTOP = 19;
        public const int SIGCONT = 18;

        [DllImport("libc", SetLastError = true)]
        public static extern int kill(int pid, int sig);
    }
}
