using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Bench.Scenarios;

public sealed record ApiLoadSettings(int Connections = 32, TimeSpan? Duration = null, TimeSpan? WarmUp = null)
{
    public TimeSpan RunFor => Duration ?? TimeSpan.FromSeconds(30);
    public TimeSpan WarmFor => WarmUp ?? TimeSpan.FromSeconds(5);
}

public sealed record EndpointLoad(string Endpoint, int Connections, double RequestsPerSecond, long Errors, LatencySummary Latency);

/// <summary>
/// The Api under closed-loop load from this process: each of N connections sends its next request as soon as the
/// last is answered, for a while, after a warm-up that is not counted. POST submits tasks (placed on whatever nodes
/// the cluster has); GET reads one existing task, then a page of 100, and goes first.
/// </summary>
public sealed class ApiLoadScenario(BenchCluster cluster, Action<string> progress)
{
    private const int ListPage = 100;

    public async Task<IReadOnlyList<EndpointLoad>> RunAsync(ApiLoadSettings settings, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections })
        {
            BaseAddress = cluster.ApiAddress,
            DefaultRequestHeaders = { Authorization = BenchCluster.Authorization },
        };
        // Reads first, on a quiet cluster: after the POSTs, placing and starting thousands of tasks would go on
        // during the reads and be measured with them.
        var spec = TaskSubmitter.SleepingTask("api-load");
        var one = await new TaskSubmitter(client).SubmitOneAsync(spec, cancellationToken);
        var path = $"/api/tasks/{one.TaskId}";
        progress($"GET /api/tasks/{{id}} with {settings.Connections} connections for {settings.RunFor.TotalSeconds:F0} s");
        var gets = await LoadAsync("GET /api/tasks/{id}", token => client.GetAsync(path, token), settings, cancellationToken);

        // A full page of the list: the newest 100 tasks, each with its spec.
        for (var submitted = 1; submitted < ListPage; submitted++)
            await new TaskSubmitter(client).SubmitOneAsync(spec, cancellationToken);
        var listPath = $"/api/tasks?limit={ListPage}";
        progress($"GET {listPath} with {settings.Connections} connections for {settings.RunFor.TotalSeconds:F0} s");
        var lists = await LoadAsync($"GET {listPath}", token => client.GetAsync(listPath, token), settings, cancellationToken);

        Func<CancellationToken, Task<HttpResponseMessage>> post = token => client.PostAsJsonAsync("/api/tasks", spec, TaskSubmitter.Json, token);
        progress($"POST /api/tasks with {settings.Connections} connections for {settings.RunFor.TotalSeconds:F0} s");
        var measuredFrom = DateTimeOffset.UtcNow + settings.WarmFor;
        var posts = await LoadAsync("POST /api/tasks", post, settings, cancellationToken);
        await ReportWorkDoneAsync(measuredFrom, DateTimeOffset.UtcNow, cancellationToken);
        return [posts, gets, lists];
    }

    /// <summary>
    /// The POSTs pay for the work they cause, and on a small machine that work competes with them; how much of it
    /// was done inside the window says what the request rate bought.
    /// </summary>
    private async Task ReportWorkDoneAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var db = cluster.Database();
        var running = await db.TaskEvents.CountAsync(e => e.State == TaskState.Running && e.At >= from && e.At <= to, cancellationToken);
        progress($"during the measured POSTs, {running} tasks reached Running ({running / (to - from).TotalSeconds:F0}/s)");
    }

    private static Task<EndpointLoad> LoadAsync(
        string endpoint, Func<CancellationToken, Task<HttpResponseMessage>> send, ApiLoadSettings settings, CancellationToken cancellationToken) =>
        ClosedLoop.LoadAsync(endpoint, settings.Connections, settings.WarmFor, settings.RunFor, send, cancellationToken);
}
