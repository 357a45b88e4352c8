using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Api.Extensions;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

/// <summary>
/// Jobs: a name, a type and a task spec. StateStore keeps a service job's count of tasks alive, replaces those that
/// end and rolls a changed spec out one task at a time; it runs a batch job's tasks until enough have succeeded.
/// </summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        // On the parent, so that the route (and the span's name) is "/api/jobs", not "/api/jobs/".
        app.MapGet("/jobs", ListJobsAsync).WithTags("Jobs").WithSummary("List jobs by name, each with its unfinished tasks");
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPut("/{name}", ApplyJobAsync)
            .Accepts<JobSpec>("application/json")
            .WithSummary("Create or change a job")
            .WithDescription("Body: { \"count\": 3, \"task\": { task spec without a name } }, or for a batch job { \"type\": \"batch\", " +
                "\"completions\": 3, \"parallelism\": 2, \"maxRetries\": 3, \"task\": {...} }. Creates the job (201) or changes it (200). " +
                "Its tasks are named name-1, name-2, and so on. A changed task spec is a new revision: one task more than the count is " +
                "started, and an old one stopped each time a new one runs. Tasks that end are replaced. A batch job runs tasks until " +
                "completions of them end with exit 0, then is Complete; more failures than maxRetries make it Failed. A job's type " +
                "cannot change (409). While too many tasks wait to be placed, answers 429 with Retry-After and changes nothing. " +
                "A task spec the cluster's policy (Api:Policy) does not allow answers 403 with the rule it breaks, and changes nothing.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        jobs.MapPut("/{name}/scale", ScaleJobAsync)
            .Accepts<JobScale>("application/json")
            .WithSummary("Change how many tasks a job keeps")
            .WithDescription("Body: { \"count\": 5 }. Scaling down stops the tasks not yet running first, then the newest. " +
                "A batch job has no count (409).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPut("/{name}/groups/{group}/scale", ScaleGroupAsync)
            .Accepts<JobScale>("application/json")
            .WithSummary("Change how many tasks one group of a job keeps")
            .WithDescription("Body: { \"count\": 5 }. The other groups are left as they are. 404 when the job has no such group.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/{name}/revisions", GetRevisionsAsync)
            .WithSummary("A job's revisions, newest first")
            .WithDescription("Each revision's task spec, why it was made and when; the newest 20 are kept.");
        jobs.MapPost("/{name}/restart", RestartJobAsync)
            .WithSummary("Replace every task of a job with the same spec")
            .WithDescription("A new revision of the same spec, rolled out as any other: never below the count. A job of groups restarts each group. 409 for a batch job.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{name}/revert", RevertJobAsync)
            .Accepts<JobRevert>("application/json")
            .WithSummary("Go back to an earlier revision's spec")
            .WithDescription("Body: { \"revision\": 2 }. The spec comes back as a new revision, rolled out as any other; its tasks still running are kept. " +
                "Reverting to the current spec changes nothing. 404 for a revision no longer kept.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{name}/promote", PromoteJobAsync)
            .WithSummary("Promote a rollout's canaries")
            .WithDescription("The canaries of the job's current revision serve: the rollout goes on, replacing the old tasks. " +
                "409 when no canaries wait for a promote.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{name}/run-now", RunJobNowAsync)
            .WithSummary("Start a run of a periodic job now")
            .WithDescription("Starts a run beside the schedule, whatever the overlap policy, and answers 201 with the run, a batch job " +
                "named after the job and the time. 409 when the job has no schedule.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/{name}", GetJobAsync).WithSummary("Get one job, with its unfinished tasks, and a periodic job's runs");
        jobs.MapDelete("/{name}", DeleteJobAsync)
            .WithSummary("Delete a job")
            .WithDescription("Stops all its tasks and removes the job. The tasks and their history stay, under /api/tasks.");
        return jobs;
    }

    public static async Task<Results<Created<JobDetails>, Ok<JobDetails>, ValidationProblem, Conflict<ProblemDetails>, ProblemHttpResult>> ApplyJobAsync(
        string name, HttpRequest request, SpecReader reader, Secrets.SecretReferences secrets, Security.TaskPolicy policy,
        IRequestClient<ApplyJob> client, CancellationToken cancellationToken)
    {
        var (spec, errors) = await reader.ReadAsync<JobSpec>(request, job => JobValidator.Validate(name, job), cancellationToken);
        if (spec is null)
            return TypedResults.ValidationProblem(errors, title: "The job is not valid.");
        var tasks = spec.Groups is { } groups
            ? groups.Select((group, i) => (group.Task!, $"groups[{i}].task.")).ToList()
            : [(spec.Task!, "task.")];
        if (policy.Refusal(tasks) is { } forbidden)
            return forbidden;
        foreach (var (task, prefix) in tasks)
            if (await secrets.MissingAsync(task, prefix, cancellationToken) is { Count: > 0 } missing)
                return TypedResults.ValidationProblem(missing, title: "The job is not valid.");
        var response = await client.GetResponse<JobApplied, SubmissionRefused, JobChangeRefused>(new ApplyJob(name, spec), cancellationToken);
        if (response.Is(out Response<JobApplied>? applied))
            return applied.Message.Created
                ? TypedResults.Created($"/api/jobs/{name}", applied.Message.Job)
                : TypedResults.Ok(applied.Message.Job);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        response.Is(out Response<SubmissionRefused>? refusal);
        return SubmissionRefusal.Problem(request.HttpContext.Response, refusal!.Message);
    }

    public static async Task<Results<Ok<JobDetails>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ScaleJobAsync(
        string name, HttpRequest request, SpecReader reader, IRequestClient<ScaleJob> client, CancellationToken cancellationToken)
    {
        var (scale, errors) = await reader.ReadAsync<JobScale>(request, body => JobValidator.ValidateScale(name, body), cancellationToken);
        if (scale is null)
            return TypedResults.ValidationProblem(errors, title: "The scale is not valid.");
        var response = await client.GetResponse<JobDetails, JobNotFound, JobChangeRefused>(new ScaleJob(name, scale.Count!.Value), cancellationToken);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        return response.Is(out Response<JobDetails>? scaled) ? TypedResults.Ok(scaled.Message) : JobNotFoundProblem(name);
    }

    public static async Task<Results<Ok<JobDetails>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ScaleGroupAsync(
        string name, string group, HttpRequest request, SpecReader reader, IRequestClient<ScaleJob> client, CancellationToken cancellationToken)
    {
        var groupJob = JobSpec.GroupJobName(name, group);
        var (scale, errors) = await reader.ReadAsync<JobScale>(request, body => JobValidator.ValidateScale(groupJob, body), cancellationToken);
        if (scale is null)
            return TypedResults.ValidationProblem(errors, title: "The scale is not valid.");
        var response = await client.GetResponse<JobDetails, JobNotFound, JobChangeRefused>(
            new ScaleJob(groupJob, scale.Count!.Value, Parent: name), cancellationToken);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        return response.Is(out Response<JobDetails>? scaled)
            ? TypedResults.Ok(scaled.Message)
            : TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "No such group.",
                Detail = $"Job {name} has no group named {group}.",
            });
    }

    public static async Task<Results<Ok<JobRevisionList>, NotFound<ProblemDetails>>> GetRevisionsAsync(
        string name, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken) =>
        await store.JobRevisionsAsync(name, cancellationToken) is { } revisions ? TypedResults.Ok(revisions) : JobNotFoundProblem(name);

    public static async Task<Results<Ok<JobDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RestartJobAsync(
        string name, IRequestClient<RestartJob> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<JobDetails, JobNotFound, JobChangeRefused>(new RestartJob(name), cancellationToken);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        return response.Is(out Response<JobDetails>? restarted) ? TypedResults.Ok(restarted.Message) : JobNotFoundProblem(name);
    }

    public static async Task<Results<Ok<JobDetails>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RevertJobAsync(
        string name, HttpRequest request, SpecReader reader, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store,
        IRequestClient<RevertJob> client,
        CancellationToken cancellationToken)
    {
        var (revert, errors) = await reader.ReadAsync<JobRevert>(request, body => body.Revision is >= 1
            ? new Dictionary<string, string[]>()
            : new Dictionary<string, string[]> { ["revision"] = ["revision must be a revision's number, 1 or more."] }, cancellationToken);
        if (revert is null)
            return TypedResults.ValidationProblem(errors, title: "The revert is not valid.");
        // A revision no longer kept is a 404 naming it; StateStore checks again under the job's lock.
        if (await store.JobRevisionsAsync(name, cancellationToken) is not { } kept)
            return JobNotFoundProblem(name);
        if (kept.Revisions.All(r => r.Revision != revert.Revision))
            return TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "No such revision.",
                Detail = $"Job {name} keeps no revision {revert.Revision}; GET /api/jobs/{name}/revisions lists those it keeps.",
            });
        var response = await client.GetResponse<JobDetails, JobNotFound, JobChangeRefused>(new RevertJob(name, revert.Revision!.Value), cancellationToken);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        return response.Is(out Response<JobDetails>? reverted) ? TypedResults.Ok(reverted.Message) : JobNotFoundProblem(name);
    }

    public static async Task<Results<Ok<JobDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> PromoteJobAsync(
        string name, IRequestClient<PromoteJob> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<JobDetails, JobNotFound, JobChangeRefused>(new PromoteJob(name), cancellationToken);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        return response.Is(out Response<JobDetails>? promoted) ? TypedResults.Ok(promoted.Message) : JobNotFoundProblem(name);
    }

    public static async Task<Results<Created<JobDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RunJobNowAsync(
        string name, IRequestClient<RunJobNow> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<JobDetails, JobNotFound, JobChangeRefused>(new RunJobNow(name), cancellationToken);
        if (response.Is(out Response<JobChangeRefused>? refused))
            return JobChangeProblem(refused.Message);
        return response.Is(out Response<JobDetails>? run)
            ? TypedResults.Created($"/api/jobs/{run.Message.Name}", run.Message)
            : JobNotFoundProblem(name);
    }

    public static async Task<Results<Ok<JobDetails>, NotFound<ProblemDetails>>> GetJobAsync(
        string name, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken) =>
        await store.FindJobAsync(name, cancellationToken) is { } job ? TypedResults.Ok(job) : JobNotFoundProblem(name);

    public static async Task<Results<Accepted<JobDetails>, NotFound<ProblemDetails>>> DeleteJobAsync(
        string name, IRequestClient<DeleteJob> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<JobDetails, JobNotFound>(new DeleteJob(name), cancellationToken);
        return response.Is(out Response<JobDetails>? deleted)
            ? TypedResults.Accepted((string?)null, deleted.Message)
            : JobNotFoundProblem(name);
    }

    public static async Task<Ok<IReadOnlyList<JobDetails>>> ListJobsAsync(
        [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListJobsAsync(cancellationToken));

    private static Conflict<ProblemDetails> JobChangeProblem(JobChangeRefused refused) =>
        TypedResults.Conflict(new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The job cannot take this change.",
            Detail = refused.Reason,
        });

    private static NotFound<ProblemDetails> JobNotFoundProblem(string name) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No such job.",
            Detail = $"There is no job named {name}.",
        });
}
