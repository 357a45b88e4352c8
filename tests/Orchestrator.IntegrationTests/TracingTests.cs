using System.Diagnostics;
using System.Net.Http.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

[Collection(ClusterCollection.Name)]
public sealed class TracingTests(ClusterFixture cluster)
{
    // The Scheduler and StateStore gave the task its own spans in whatever pass placed it; StateStore wrote its
    // StartTask to the outbox and the dispatcher continued the trace; the agent's engine calls joined it. (The
    // TaskSubmitted that woke the Scheduler is in one trace of those submitted together: it stands for them all.)
    private static readonly string[] Expected =
        ["schedule task", "place task", "outbox StartTask", "docker create", "docker start"];

    [Fact]
    public async Task Each_submission_is_one_trace_from_the_api_through_the_outbox_to_the_agents_docker_calls()
    {
        // The collector the bench measures with: every span of the project's, MassTransit's and the web stack's sources in this process.
        using var spans = new SpanCollector();

        // Submitted together, so one placement pass, run in one submission's trace, may well place them all.
        var submissions = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SubmitInNewTraceAsync($"traced-{i}")));
        foreach (var (task, _) in submissions)
            await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        foreach (var (task, traceId) in submissions)
        {
            List<Activity> trace = [];
            await ClusterFixtureBase.WaitUntilAsync(() =>
            {
                trace = spans.Spans.Where(s => s.TraceId == traceId).ToList();
                return Task.FromResult(Expected.All(name => trace.Any(s => s.OperationName == name)));
            });

            Assert.Contains(trace, s => s.DisplayName == "POST /api/tasks");
            Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.DisplayName.Contains("SubmitTask"));
            Assert.Equal(task.Id, trace.Single(s => s.OperationName == "schedule task").GetTagItem("orchestrator.task.id"));
            Assert.Equal(task.Id, trace.Single(s => s.OperationName == "place task").GetTagItem("orchestrator.task.id"));
            await cluster.StopAndWaitAsync(task.Id);
        }
    }

    private async Task<(TaskDetails Task, ActivityTraceId TraceId)> SubmitInNewTraceAsync(string name)
    {
        using var root = new Activity("test submit").SetIdFormat(ActivityIdFormat.W3C).SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom()).Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks")
        {
            Content = JsonContent.Create(new { name, image = TestImages.Workload, command = new[] { "sleep", "300" }, stopTimeoutSeconds = 0 }),
        };
        request.Headers.Add("traceparent", root.Id);
        var response = await cluster.Api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json))!, root.TraceId);
    }
}
