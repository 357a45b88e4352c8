using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Bench.Measurement;

/// <summary>One POST /api/tasks as the client saw it: when it was sent, how long the Api took, and the task's id.</summary>
public sealed record Submission(Guid TaskId, DateTimeOffset SentAt, TimeSpan ResponseTime, ActivityTraceId TraceId);

/// <summary>
/// Submits tasks through the Api at a fixed rate, open loop: each POST goes out on its schedule whether or not
/// earlier ones have been answered (up to a cap on requests in flight), so a slow system shows as latency, not as a
/// politely slower client. Each POST is the root of its own trace.
/// </summary>
public sealed class TaskSubmitter(HttpClient api, int maxInFlight = 256)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly ActivitySource Source = new("Orchestrator.Bench");

    private readonly SemaphoreSlim _inFlight = new(maxInFlight, maxInFlight);
    private int _failures;

    /// <summary>
    /// POSTs of <see cref="SubmitAsync"/> that were refused, failed or went unanswered (the client's timeout), e.g. a
    /// 503 when StateStore did not answer in time.
    /// </summary>
    public int Failures => _failures;

    /// <param name="window">
    /// When given, no POST is sent after this long: a system slower than the asked rate gets fewer tasks, and the
    /// run keeps its length, instead of the client queueing the rest behind the cap on requests in flight.
    /// </param>
    public async Task<IReadOnlyList<Submission>> SubmitAsync(
        int count, double perSecond, Func<int, object> spec, CancellationToken cancellationToken, TimeSpan? window = null)
    {
        var submissions = new ConcurrentBag<Submission>();
        var pending = new List<Task>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = double.IsPositiveInfinity(perSecond) ? TimeSpan.Zero : TimeSpan.FromSeconds(i / perSecond);
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            await _inFlight.WaitAsync(cancellationToken);
            if (clock.Elapsed > window)
            {
                _inFlight.Release();
                break;
            }
            var body = spec(i);
            pending.Add(Task.Run(async () =>
            {
                try { submissions.Add(await SubmitOneAsync(body, cancellationToken)); }
                catch (Exception error) when (error is InvalidOperationException or HttpRequestException
                    || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    Interlocked.Increment(ref _failures);
                }
                finally { _inFlight.Release(); }
            }, cancellationToken));
        }
        await Task.WhenAll(pending);
        return submissions.OrderBy(s => s.SentAt).ToList();
    }

    public async Task<Submission> SubmitOneAsync(object spec, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("bench submit", ActivityKind.Client);
        var sentAt = TimeProvider.System.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        using var response = await api.PostAsJsonAsync("/api/tasks", spec, Json, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /api/tasks answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        var task = (await response.Content.ReadFromJsonAsync<TaskDetails>(Json, cancellationToken))!;
        return new Submission(task.Id, sentAt, elapsed, activity?.TraceId ?? default);
    }

    /// <summary>
    /// A sleeping busybox: the smallest real workload, stopped within a second when asked. One whole core, because
    /// the engine starts the container's init inside its CPU quota: at 0.01 cpu a start takes 2.5 s here, at the
    /// default 0.1 about 0.55 s, at 1 cpu 0.37 s.
    /// </summary>
    public static TaskSpec SleepingTask(string name) => new()
    {
        Name = name,
        Image = Cluster.BenchImages.Workload,
        Command = ["sleep", "3600"],
        Resources = new ResourceRequest { Cpu = 1m, MemoryMb = 16, DiskMb = 1 },
        StopTimeoutSeconds = 1,
    };
}
