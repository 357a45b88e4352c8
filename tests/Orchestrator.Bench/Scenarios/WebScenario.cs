using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Simulation;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.Testing;

namespace Orchestrator.Bench.Scenarios;

public sealed record WebSettings(int Nodes = 1000, int Tasks = 10_000, int Samples = 20, int Polls = 30);

public sealed record WebResult(
    int Nodes, int Tasks, LatencySummary Overview, LatencySummary OverviewCalls, LatencySummary TaskList, TimeSpan CpuPerPoll,
    TimeSpan IdleCpuPerPoll, TimeSpan RefreshInterval);

/// <summary>
/// The web UI in front of a large simulated cluster: how long its overview and its task list take to render (the
/// whole page, its calls to the Api included, as a browser's first request gets it), and what one open overview
/// costs the cluster: one refresh is the three reads the page makes (summary, nodes, jobs), and its CPU (this
/// process, Postgres and RabbitMQ) is measured against the same time idle. Each is measured once every task is
/// running, as on a cluster someone opens the page of, not while it still places them; the overview's Api calls are
/// also timed alone, which tells the Api's share of a render from the page's own.
/// </summary>
public sealed partial class WebScenario(BenchCluster cluster, Action<string> progress)
{
    public async Task<WebResult> RunAsync(WebSettings settings, CancellationToken cancellationToken)
    {
        progress($"starting {settings.Nodes} simulated nodes");
        await cluster.StartSimulatedNodesAsync(settings.Nodes, new SimulationSettings(), cancellationToken);
        progress($"submitting {settings.Tasks} tasks");
        var submitter = new TaskSubmitter(cluster.Api);
        await submitter.SubmitAsync(settings.Tasks, double.PositiveInfinity, i => TaskSubmitter.SleepingTask($"web-{i}"), cancellationToken);
        progress("waiting until every task runs");
        await WaitUntilRunningAsync(settings.Tasks, cancellationToken);

        await using var web = InProcessServices.Web(new Dictionary<string, string?>
        {
            ["Web:Api"] = cluster.ApiAddress.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await web.StartAsync(cancellationToken);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(web.Urls.First()) };
        await SignInAsync(browser, cancellationToken);

        progress($"rendering the overview and the task list {settings.Samples} times each");
        var overview = await RenderAsync(browser, "/", $"Nodes ({settings.Nodes})", settings.Samples, cancellationToken);
        var taskList = await RenderAsync(browser, "/tasks", "/tasks/", settings.Samples, cancellationToken);
        var calls = new List<TimeSpan>();
        for (var i = 0; i < settings.Samples; i++)
        {
            var call = Stopwatch.StartNew();
            await PollAsync(cancellationToken);
            calls.Add(call.Elapsed);
        }

        var interval = new Orchestrator.Web.WebOptions().RefreshInterval;
        progress($"{settings.Polls} refreshes of an open overview, against as long idle");
        var idleFrom = await cluster.CpuAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Polls; i++)
            await PollAsync(cancellationToken);
        var polled = clock.Elapsed;
        var polledCpu = await cluster.CpuAsync(cancellationToken) - idleFrom;
        var idleStart = await cluster.CpuAsync(cancellationToken);
        await Task.Delay(polled, cancellationToken);
        var idleCpu = await cluster.CpuAsync(cancellationToken) - idleStart;
        return new WebResult(
            settings.Nodes, settings.Tasks, overview, LatencySummary.Of(calls), taskList, polledCpu.Total / settings.Polls,
            idleCpu.Total / settings.Polls, interval);
    }

    private async Task WaitUntilRunningAsync(int tasks, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(10));
        while ((await cluster.Api.GetFromJsonAsync<ClusterSummary>("/api/summary", TaskSubmitter.Json, deadline.Token))!
               .TasksByState.GetValueOrDefault(TaskState.Running) < tasks)
            await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
    }

    /// <summary>One refresh of the overview: the Api calls the page makes, as it makes them (side by side).</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var calls = new[] { "/api/summary", "/api/nodes", "/api/jobs" }.Select(path => cluster.Api.GetAsync(path, cancellationToken));
        foreach (var response in await Task.WhenAll(calls))
            using (response)
                response.EnsureSuccessStatusCode();
    }

    private static async Task<LatencySummary> RenderAsync(HttpClient browser, string path, string expected, int samples, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = await browser.GetStringAsync(path, cancellationToken);
            times.Add(clock.Elapsed);
            if (!page.Contains(expected, StringComparison.Ordinal))
                throw new InvalidOperationException($"{path} rendered without \"{expected}\": the Api's answers did not reach the page.");
        }
        return LatencySummary.Of(times);
    }

    private static async Task SignInAsync(HttpClient browser, CancellationToken cancellationToken)
    {
        var form = await browser.GetStringAsync("/signin", cancellationToken);
        var token = AntiforgeryToken().Match(form).Groups["token"].Value;
        using var signedIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = BenchCluster.ApiKey,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        }), cancellationToken);
        signedIn.EnsureSuccessStatusCode();
    }

    [GeneratedRegex("""name="__RequestVerificationToken" value="(?<token>[^"]+)" """)]
    private static partial Regex AntiforgeryToken();
}
