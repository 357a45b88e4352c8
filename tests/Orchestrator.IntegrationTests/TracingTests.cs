using System.Diagnostics;
using System.Net.Http.Json;
using Orchestrator.Bench.Measurement;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests;

[Collection(ClusterCollection.Name)]
public sealed class TracingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task One_submission_is_one_trace_from_the_api_through_the_outbox_to_the_agents_docker_calls()
    {
        // The bench's collector: every span of the project's, MassTransit's and the web stack's sources in this process.
        using var spans = new SpanCollector();
        using var root = new Activity("test submit").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks")
        {
            Content = JsonContent.Create(new { name = "traced", image = TestImages.Workload, command = new[] { "sleep", "300" }, stopTimeoutSeconds = 0 }),
        };
        request.Headers.Add("traceparent", root.Id);
        var response = await cluster.Api.SendAsync(request);
        root.Stop();
        var task = (await response.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json))!;
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        IReadOnlyList<Activity> trace;
        while (!Covers(trace = spans.Spans.Where(s => s.TraceId == root.TraceId).ToList()))
            await Task.Delay(100, deadline.Token);

        // StateStore wrote the outbox rows; the dispatcher continued the trace; the agent's engine calls joined it.
        Assert.Contains(trace, s => s.OperationName == "outbox TaskSubmitted");
        Assert.Contains(trace, s => s.OperationName == "outbox StartTask");
        Assert.Contains(trace, s => s.OperationName == "docker create");
        Assert.Contains(trace, s => s.OperationName == "docker start");
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.DisplayName.Contains("SubmitTask"));
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.DisplayName.Contains("PlaceTask"));
        await cluster.StopAndWaitAsync(task.Id);
    }

    private static bool Covers(IReadOnlyList<Activity> trace) =>
        new[] { "outbox TaskSubmitted", "outbox StartTask", "docker create", "docker start" }
            .All(name => trace.Any(s => s.OperationName == name));
}
