using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using TaskState = Orchestrator.Domain.Tasks.TaskState;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The cluster's Api as a test talks to it: an <see cref="HttpClient"/> that sends a key, the reads a test makes, and
/// the polls for what the cluster should come to. A 503 (StateStore not answering yet) is "not yet" to every poll.
/// </summary>
public sealed class ApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <param name="handler">How to reach the Api, e.g. trusting only the cluster's authority; null for the default.</param>
    public ApiClient(Uri address, string key, HttpMessageHandler? handler = null)
    {
        Http = handler is null ? new HttpClient() : new HttpClient(handler);
        Http.BaseAddress = address;
        Http.DefaultRequestHeaders.Authorization = new("Bearer", key);
    }

    public HttpClient Http { get; }

    public Task<NodeDetails> WaitForNodeAsync(Guid nodeId, Domain.Nodes.NodeStatus status) =>
        WaitForNodeAsync(node => node.Id == nodeId && node.Status == status);

    /// <summary>Polls the node list until a node matches.</summary>
    public async Task<NodeDetails> WaitForNodeAsync(Func<NodeDetails, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            // Just after start-up StateStore may not answer yet, and the Api says 503: that is "not yet", too.
            using var response = await Http.GetAsync("/api/nodes", deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                var nodes = await response.Content.ReadFromJsonAsync<List<NodeDetails>>(Json, deadline.Token);
                if (nodes!.FirstOrDefault(match) is { } node)
                    return node;
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    public async Task<TaskDetails> SubmitAsync(object spec)
    {
        var response = await Http.PostAsJsonAsync("/api/tasks", spec, Json);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TaskDetails>(Json))!;
    }

    public async Task<TaskDetails> GetTaskAsync(Guid id) =>
        (await Http.GetFromJsonAsync<TaskDetails>($"/api/tasks/{id}", Json))!;

    /// <summary>Polls the task until it satisfies <paramref name="condition"/>; fails with the last state seen.</summary>
    public async Task<TaskDetails> WaitForTaskAsync(Guid id, Func<TaskDetails, bool> condition, string description)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        TaskDetails? task = null;
        while (true)
        {
            using (var response = await Http.GetAsync($"/api/tasks/{id}"))
            {
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
                    task = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TaskDetails>(Json))!;
            }
            if (task is not null && condition(task))
                return task;
            if (deadline.IsCancellationRequested)
                Assert.Fail($"Task {id} never became {description}; last seen {task?.State.ToString() ?? "nothing (503)"}: {task?.Message}");
            await Task.Delay(200);
        }
    }

    public Task<TaskDetails> WaitForStateAsync(Guid id, TaskState state) =>
        WaitForTaskAsync(id, task => task.State == state, state.ToString());

    public async Task<IReadOnlyList<TaskEventDetails>> EventsAsync(Guid id) =>
        (await Http.GetFromJsonAsync<List<TaskEventDetails>>($"/api/tasks/{id}/events", Json))!;

    /// <summary>Stops a task and waits until it has ended.</summary>
    public async Task<TaskDetails> StopAndWaitForEndAsync(Guid id)
    {
        await Http.DeleteAsync($"/api/tasks/{id}");
        return await WaitForTaskAsync(id, task => TaskStateMachine.IsTerminal(task.State), "finished");
    }

    /// <summary>Polls the task list until the tasks with these ids satisfy <paramref name="condition"/> together.</summary>
    public async Task<IReadOnlyList<TaskDetails>> WaitForAllAsync(IReadOnlySet<Guid> ids, Func<IReadOnlyList<TaskDetails>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var all = await Http.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", Json, deadline.Token);
            var mine = all!.Where(t => ids.Contains(t.Id)).ToList();
            if (mine.Count == ids.Count && condition(mine))
                return mine;
            if (deadline.IsCancellationRequested)
                Assert.Fail("Tasks never settled: " + string.Join("; ", mine.GroupBy(t => (t.State, t.Message)).Select(g => $"{g.Count()} {g.Key.State} {g.Key.Message}")));
            await Task.Delay(300);
        }
    }

    /// <summary>Waits until the task's container has written <paramref name="text"/>, e.g. a signal handler being set.</summary>
    public async Task WaitForLogAsync(Guid id, string text)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await Http.GetStringAsync($"/api/tasks/{id}/logs", deadline.Token)).Contains(text))
            await Task.Delay(100, deadline.Token);
    }

    /// <summary>Stops the tasks and waits until every one has ended.</summary>
    public async Task StopAllAsync(IEnumerable<Guid> ids)
    {
        var list = ids.ToList();
        await Task.WhenAll(list.Select(id => Http.DeleteAsync($"/api/tasks/{id}")));
        await WaitForAllAsync(list.ToHashSet(), ts => ts.All(t => TaskStateMachine.IsTerminal(t.State)));
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>A submission as a client that may retry it sends it: <c>POST /api/tasks</c> with an <c>Idempotency-Key</c>.</summary>
public static class KeyedSubmission
{
    public static async Task<HttpResponseMessage> PostTaskAsync(
        this HttpClient http, object spec, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = JsonContent.Create(spec, options: ApiClient.Json) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request, cancellationToken);
    }
}
