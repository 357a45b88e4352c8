using System.Diagnostics;
using Orchestrator.Bench.Scenarios;

namespace Orchestrator.Bench.Measurement;

/// <summary>
/// Closed-loop load: each of N connections sends its next request as soon as the last is answered, for a while, after
/// a warm-up that is not counted. A request answered with an error status, or not at all, is counted as an error.
/// </summary>
public static class ClosedLoop
{
    public static async Task<EndpointLoad> LoadAsync(
        string endpoint, int connections, TimeSpan warmUp, TimeSpan duration, Func<CancellationToken, Task<HttpResponseMessage>> send,
        CancellationToken cancellationToken)
    {
        await RunWorkersAsync(send, connections, warmUp, cancellationToken);
        var clock = Stopwatch.StartNew();
        var perWorker = await RunWorkersAsync(send, connections, duration, cancellationToken);
        var elapsed = clock.Elapsed;
        var latencies = perWorker.SelectMany(w => w.Latencies).ToList();
        return new EndpointLoad(endpoint, connections, latencies.Count / elapsed.TotalSeconds, perWorker.Sum(w => w.Errors), LatencySummary.Of(latencies));
    }

    private sealed record WorkerResult(List<double> Latencies, long Errors);

    private static Task<WorkerResult[]> RunWorkersAsync(
        Func<CancellationToken, Task<HttpResponseMessage>> send, int connections, TimeSpan duration, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long errors = 0;
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await send(cancellationToken);
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    if (response.IsSuccessStatusCode)
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    else
                        errors++;
                }
                catch (HttpRequestException)
                {
                    errors++;
                }
            }
            return new WorkerResult(latencies, errors);
        }, cancellationToken)));
}
