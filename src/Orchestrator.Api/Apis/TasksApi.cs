using Microsoft.AspNetCore.Http.Timeouts;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;
using Orchestrator.Api.Extensions;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

public static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        // The collection's own routes are mapped on the parent: inside the group they would read "/api/tasks/",
        // which is also what their spans would be named.
        app.MapPost("/tasks", SubmitTaskAsync)
            .WithTags("Tasks")
            .Accepts<TaskSpec>("application/json")
            .WithSummary("Submit a task")
            .WithDescription("Validates the spec, records the task as Pending and returns 202 with its Location. Placement and start follow without further calls. While too many tasks wait to be placed, answers 429 with Retry-After and records nothing. " +
                "With an Idempotency-Key header (1 to 255 visible ASCII characters), a retry of the same body with the same key answers 202 with the task the first attempt made, and makes no second one; the same key with a different body answers 422 and records nothing. After a 503 or a timeout, retry with the same key. " +
                "A task the cluster's policy (Api:Policy) does not allow answers 403 with the rule it breaks, and records nothing.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapGet("/tasks", ListTasksAsync)
            .WithTags("Tasks")
            .WithSummary("List tasks, newest first")
            .WithDescription("limit (1 to 5000, default 500) caps the answer; state keeps only the tasks in that state; job keeps only the tasks of that job, finished ones too; node keeps only the tasks placed on that node (by id); idPrefix keeps only the tasks whose id starts with it (hex digits, dashes ignored); name keeps only the tasks with it in their names, ignoring case; before continues the list after that task. A full page carries a Link header (rel=\"next\") to the next one.");
        var tasks = app.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapGet("/{id:guid}", GetTaskAsync).WithSummary("Get one task");
        tasks.MapDelete("/{id:guid}", StopTaskAsync)
            .WithSummary("Stop a task")
            .WithDescription("Stops the container (SIGTERM, then SIGKILL) and removes it; the task ends Completed. Stopping twice is harmless.");
        tasks.MapPost("/{id:guid}/release-volumes", ReleaseVolumesAsync)
            .WithSummary("Let a task start without its volumes")
            .WithDescription("A Pending task whose named volumes are on a node that is Down or drained waits for that node. This lets it be placed on any node, where it starts with empty volumes; the old ones stay on their node. 409 when the task is not waiting for such a node.");
        tasks.MapGet("/{id:guid}/events", GetTaskEventsAsync).WithSummary("A task's history, oldest first")
            .WithDescription($"limit (1 to {GetTaskEvents.MaxLimit}, default {GetTaskEvents.DefaultLimit}) caps the answer; after continues the history after the event with that sequence. A full page carries a Link header (rel=\"next\") to the next one.");
        tasks.MapGet("/{id:guid}/logs", GetTaskLogsAsync)
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .WithSummary("A task's container output")
            .WithDescription("stdout and stderr in the order written. tail limits the lines; follow=true streams new lines until the task ends or the client leaves; " +
                "limitBytes stops the answer after that many bytes (its last line may be cut, as may a line longer than 256 KiB). A long log is read from its node 256 KiB at a time and streamed. " +
                "When the container is gone (removed after its retention, its node lost), the end of its output kept from its exit (at most 4 KiB) " +
                "is answered instead, after a first line that says so, with the header X-Orchestrator-Logs: kept-tail.")
            // A followed log lasts as long as the task; each request inside it has its own timeout.
            .DisableRequestTimeout();
        return tasks;
    }

    public const int MaxTail = 10_000;

    public static async Task<Results<Accepted<TaskDetails>, ValidationProblem, ProblemHttpResult>> SubmitTaskAsync(
        HttpRequest request, [AsParameters] TaskApiServices services, CancellationToken cancellationToken)
    {
        var (key, keyErrors) = IdempotencyKey.Read(request);
        if (keyErrors is not null)
            return TypedResults.ValidationProblem(keyErrors, title: $"The {IdempotencyKey.Header} header is not valid.");
        var (spec, errors) = await services.Reader.ReadAsync<TaskSpec>(request, TaskSpecValidator.Validate, cancellationToken);
        if (spec is null)
            return TypedResults.ValidationProblem(errors, title: "The task spec is not valid.");
        if (services.Policy.Refusal([(spec, "")]) is { } refused)
            return refused;
        if (await services.Secrets.MissingAsync(spec, prefix: "", cancellationToken) is { Count: > 0 } missing)
            return TypedResults.ValidationProblem(missing, title: "The task spec is not valid.");
        // Random rather than sequential ids, so that a short prefix tells tasks apart, as docker's do; derived from
        // the idempotency key when there is one, so that a retry names the task its first attempt made.
        var id = key is null ? Guid.NewGuid() : IdempotencyKey.DeriveId(request.HttpContext.User.Identity?.Name ?? "", key);
        var response = await services.Submit.GetResponse<TaskDetails, SubmissionRefused, SubmissionConflict>(new SubmitTask(id, spec), cancellationToken);
        if (response.Is(out Response<TaskDetails>? accepted))
            return TypedResults.Accepted($"/api/tasks/{accepted.Message.Id}", accepted.Message);
        if (response.Is(out Response<SubmissionConflict>? conflict))
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: $"The {IdempotencyKey.Header} was used before for another task spec.",
                detail: $"Task {conflict.Message.TaskId} was made with this key from a different body; nothing was recorded. " +
                    "Send a new key for a new request.");
        response.Is(out Response<SubmissionRefused>? refusal);
        return SubmissionRefusal.Problem(request.HttpContext.Response, refusal!.Message);
    }

    public static async Task<Results<Ok<IReadOnlyList<TaskDetails>>, ValidationProblem>> ListTasksAsync(
        int? limit, string? state, string? idPrefix, string? name, string? job, Guid? node, Guid? before, HttpResponse http,
        [AsParameters] TaskApiServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > ListTasks.MaxLimit)
            errors["limit"] = [$"limit must be between 1 and {ListTasks.MaxLimit}."];
        TaskState? wanted = null;
        if (state is not null)
        {
            if (Enum.TryParse<TaskState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(state, out _))
                wanted = parsed;
            else
                errors["state"] = [$"state must be one of {string.Join(", ", Enum.GetNames<TaskState>())}."];
        }
        if (idPrefix is not null && !ListTasks.IsIdPrefix(idPrefix))
            errors["idPrefix"] = ["idPrefix must be 1 to 36 hex digits (dashes allowed)."];
        if (name is not null && !ListTasks.IsNameSearch(name))
            errors["name"] = [$"name must be part of a task's name: 1 to {TaskSpecValidator.MaxNameLength} letters, digits, '.', '_' or '-'."];
        if (job is not null && !JobValidator.IsName(job))
            errors["job"] = ["job must be a job's name."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var query = new ListTasks(limit ?? ListTasks.DefaultLimit, wanted, idPrefix, before, job, node, name);
        if (await services.Store.ListTasksAsync(query, cancellationToken) is not { } page)
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["before"] = [$"No task has the id {before}."] }, title: "The query is not valid.");
        if (page.Count == query.Limit)
            http.Headers.Link = $"<{NextPage(query, page[^1].Id)}>; rel=\"next\"";
        return TypedResults.Ok(page);
    }

    /// <summary>The same query, continued after the last task of a full page.</summary>
    private static string NextPage(ListTasks query, Guid last)
    {
        var next = $"/api/tasks?limit={query.Limit}&before={last}";
        if (query.State is { } state)
            next += $"&state={state}";
        if (query.IdPrefix is { } prefix)
            next += $"&idPrefix={Uri.EscapeDataString(prefix)}";
        if (query.Name is { } name)
            next += $"&name={Uri.EscapeDataString(name)}";
        if (query.Job is { } job)
            next += $"&job={Uri.EscapeDataString(job)}";
        if (query.Node is { } node)
            next += $"&node={node}";
        return next;
    }

    public static async Task<Results<Ok<TaskDetails>, NotFound<ProblemDetails>>> GetTaskAsync(
        Guid id, [AsParameters] TaskApiServices services, CancellationToken cancellationToken)
    {
        return await services.Store.FindTaskAsync(id, cancellationToken) is { } task
            ? TypedResults.Ok(task)
            : TaskNotFoundProblem(id);
    }

    public static async Task<Results<Accepted<TaskDetails>, NotFound<ProblemDetails>>> StopTaskAsync(
        Guid id, [AsParameters] TaskApiServices services, CancellationToken cancellationToken)
    {
        var response = await services.Cancel.GetResponse<TaskDetails, TaskNotFound>(new CancelTask(id), cancellationToken);
        return response.Is(out Response<TaskDetails>? found)
            ? TypedResults.Accepted($"/api/tasks/{id}", found.Message)
            : TaskNotFoundProblem(id);
    }

    public static async Task<Results<Ok<TaskDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ReleaseVolumesAsync(
        Guid id, IRequestClient<ReleaseTaskVolumes> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<TaskDetails, TaskNotFound, VolumeReleaseRefused>(new ReleaseTaskVolumes(id), cancellationToken);
        if (response.Is(out Response<TaskDetails>? released))
            return TypedResults.Ok(released.Message);
        if (response.Is(out Response<VolumeReleaseRefused>? refused))
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The task is not waiting for its volumes.",
                Detail = refused.Message.Reason,
            });
        return TaskNotFoundProblem(id);
    }

    public static async Task<Results<Ok<IReadOnlyList<TaskEventDetails>>, ValidationProblem, NotFound<ProblemDetails>>> GetTaskEventsAsync(
        Guid id, int? limit, long? after, HttpResponse http, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > GetTaskEvents.MaxLimit)
            errors["limit"] = [$"limit must be between 1 and {GetTaskEvents.MaxLimit}."];
        if (after is < 0)
            errors["after"] = ["after must be an event's sequence, 0 or more."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var query = new GetTaskEvents(id, limit ?? GetTaskEvents.DefaultLimit, after);
        if (await store.TaskEventsAsync(query, cancellationToken) is not { } page)
            return TaskNotFoundProblem(id);
        if (page.Count == query.Limit)
            http.Headers.Link = $"</api/tasks/{id}/events?limit={query.Limit}&after={page[^1].Sequence}>; rel=\"next\"";
        return TypedResults.Ok(page);
    }

    public static async Task<Results<ContentHttpResult, PushStreamHttpResult, ValidationProblem, NotFound<ProblemDetails>>> GetTaskLogsAsync(
        Guid id, int? tail, bool? follow, long? limitBytes, HttpResponse http, [AsParameters] TaskApiServices services, TaskLogStreamer logs,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (tail is < 0 or > MaxTail)
            errors["tail"] = [$"tail must be between 0 and {MaxTail}."];
        if (limitBytes is < 1)
            errors["limitBytes"] = ["limitBytes must be 1 or more."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");
        if (await services.Store.FindTaskAsync(id, cancellationToken) is not { } task)
            return TaskNotFoundProblem(id);

        // The container is gone (retention passed, node lost, agent reinstalled): the end of its output that StateStore
        // kept from its exit stands in, marked as only that, in a header and in its first line.
        async Task<Results<ContentHttpResult, PushStreamHttpResult, ValidationProblem, NotFound<ProblemDetails>>> KeptOr(string gone, string noLogs)
        {
            if (await logs.KeptTailAsync(id, gone, tail, cancellationToken) is not { } kept)
                return NoLogsProblem(id, noLogs);
            http.Headers[TaskLogStreamer.KeptTailHeader] = "kept-tail";
            return TypedResults.Text(kept, "text/plain; charset=utf-8");
        }

        if (task.NodeId is not { } nodeId)
            return await KeptOr("the task is on no node now", "it has not been placed on a node yet");
        TaskLogs first;
        try
        {
            first = await logs.FetchFirstAsync(nodeId, id, tail, limitBytes, cancellationToken);
        }
        catch (RequestTimeoutException) when (TaskStateMachine.IsTerminal(task.State))
        {
            // An ended task on a node that does not answer (lost, or its agent gone): what was kept is all there is.
            return await KeptOr("its node does not answer", "its node does not answer, and no output was kept when it exited");
        }
        if (!first.Found)
            return await KeptOr("its container is gone", "its node holds no container for it (removed, or never created)");
        if (follow != true && !first.More)
            return TypedResults.Text(first.Text, "text/plain; charset=utf-8");
        return TypedResults.Stream(output => logs.CopyAsync(output, task, first, limitBytes, follow == true, cancellationToken), "text/plain; charset=utf-8");
    }

    private static NotFound<ProblemDetails> NoLogsProblem(Guid id, string why) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No logs for this task.",
            Detail = $"Task {id} has no logs: {why}.",
        });

    private static NotFound<ProblemDetails> TaskNotFoundProblem(Guid id) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No such task.",
            Detail = $"There is no task with id {id}.",
        });
}

/// <summary>What the task endpoints need, as one parameter; <paramref name="Store"/> is for reads (<see cref="StoreReads"/>).</summary>
public sealed record TaskApiServices(
    SpecReader Reader,
    IRequestClient<SubmitTask> Submit,
    Secrets.SecretReferences Secrets,
    Security.TaskPolicy Policy,
    IRequestClient<CancelTask> Cancel,
    [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext Store);
