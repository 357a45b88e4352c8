using System.ComponentModel;
using System.Text.Json.Nodes;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Rendering;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public class JobNameSettings : ApiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The job's name")]
    public string Name { get; init; } = "";
}

/// <summary>--wait and its bound, for the job commands that change what a job wants.</summary>
public interface IJobWaitSettings
{
    bool Wait { get; }
    int Timeout { get; }
}

public sealed class JobRunSettings : TaskSpecSettings, IJobWaitSettings
{
    [CommandOption("--wait")]
    [Description("Wait until the job has COUNT tasks of its latest spec running, or a batch job is Complete (exit 0), showing its progress")]
    public bool Wait { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("With --wait: give up after this long (exit 1). Default 300")]
    [DefaultValue(300)]
    public int Timeout { get; init; } = 300;

    [CommandArgument(0, "<NAME>")]
    [Description("The job's name; its tasks are NAME-1, NAME-2, ...")]
    public string Name { get; init; } = "";

    [CommandOption("-c|--count <N>")]
    [Description("How many tasks to keep running (default 1)")]
    public int? Count { get; init; }

    [CommandOption("--type <TYPE>")]
    [Description("service (keep COUNT tasks running; the default), batch (run tasks until COMPLETIONS of them exit 0) or system (one task on every eligible node)")]
    public string? Type { get; init; }

    [CommandOption("--completions <N>")]
    [Description("A batch job: how many tasks must exit 0 (default 1)")]
    public int? Completions { get; init; }

    [CommandOption("--parallelism <N>")]
    [Description("A batch job: how many tasks may run at once (default 1)")]
    public int? Parallelism { get; init; }

    [CommandOption("--max-retries <N>")]
    [Description("A batch job: how many failed tasks to retry before the job fails (default 3)")]
    public int? MaxRetries { get; init; }

    [CommandOption("--max-parallel <N>")]
    [Description("A service job's rollout: how many tasks to replace at once (default 1)")]
    public int? MaxParallel { get; init; }

    [CommandOption("--min-healthy <SECONDS>")]
    [Description("A service job's rollout: how long a new task must serve before it counts (default 0)")]
    public int? MinHealthy { get; init; }

    [CommandOption("--progress-deadline <SECONDS>")]
    [Description("A service job's rollout: how long without a new task serving before the revision fails (default 600; pulls not counted)")]
    public int? ProgressDeadline { get; init; }

    [CommandOption("--auto-revert")]
    [Description("A service job's rollout: a failed revision goes back to the last one that rolled out")]
    public bool? AutoRevert { get; init; }

    [CommandOption("--canary <N>")]
    [Description("A service job's rollout: run N new tasks beside the old ones and wait for `job promote`")]
    public int? Canary { get; init; }

    [CommandOption("--schedule <CRON>")]
    [Description("A batch job: run it on this cron schedule (\"0 2 * * *\", six fields with seconds first, or @hourly), each run a job of its own")]
    public string? Schedule { get; init; }

    [CommandOption("--time-zone <ZONE>")]
    [Description("A periodic job: the IANA time zone of its schedule (default UTC)")]
    public string? TimeZone { get; init; }

    [CommandOption("--overlap <POLICY>")]
    [Description("A periodic job: skip (default), allow or replace a run due while the last one still runs")]
    public string? Overlap { get; init; }

    [CommandOption("--keep-runs <N>")]
    [Description("A periodic job: how many finished runs to keep (default 5)")]
    public int? KeepRuns { get; init; }

    /// <summary>Whether any flag of the job itself (not of its task) is given, which a job file leaves no room for.</summary>
    public bool HasJobFlags => Count is not null || Type is not null || Completions is not null || Parallelism is not null || MaxRetries is not null
        || Schedule is not null || TimeZone is not null || Overlap is not null || KeepRuns is not null || HasUpdateFlags;

    private bool HasUpdateFlags => MaxParallel is not null || MinHealthy is not null || ProgressDeadline is not null || AutoRevert is not null || Canary is not null;

    /// <summary>The job's <c>update</c> block from the flags, only those given (the Api takes no null there); null when none is.</summary>
    public JsonObject? UpdateJson()
    {
        if (!HasUpdateFlags)
            return null;
        var update = new JsonObject();
        foreach (var (name, value) in new (string, JsonNode?)[]
                 {
                     ("maxParallel", MaxParallel), ("minHealthySeconds", MinHealthy), ("progressDeadlineSeconds", ProgressDeadline),
                     ("autoRevert", AutoRevert), ("canary", Canary),
                 })
            if (value is not null)
                update[name] = value;
        return update;
    }

    [CommandOption("-f|--file <PATH>")]
    [Description("The job in the Api's JSON ({ \"count\": N, \"task\": {...} }); - reads standard input. Spec flags are then not allowed")]
    public string? File { get; init; }
}

/// <summary>orchestrator job run NAME: create the job, or change it (a changed task rolls out one task at a time).</summary>
public sealed class JobRunCommand(IAnsiConsole console) : AsyncCommand<JobRunSettings>
{
    /// <summary>The job's body from the flags. The type and overlap are left out unless given: the Api takes no null for them.</summary>
    private static string JobJson(JobRunSettings settings, IReadOnlyList<string> command)
    {
        var job = new JsonObject
        {
            ["count"] = settings.Count,
            ["completions"] = settings.Completions,
            ["parallelism"] = settings.Parallelism,
            ["maxRetries"] = settings.MaxRetries,
            ["schedule"] = settings.Schedule,
            ["timeZone"] = settings.TimeZone,
            ["keepRuns"] = settings.KeepRuns,
            ["update"] = settings.UpdateJson(),
            ["task"] = RunFlags.ToJson(settings, command),
        };
        if (settings.Type is { } type)
            job["type"] = type;
        if (settings.Overlap is { } overlap)
            job["overlap"] = overlap;
        return job.ToJsonString();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, JobRunSettings settings, CancellationToken cancellationToken)
    {
        var body = settings.File is { } file
            ? await SpecFile.ReadAsync(file, settings.HasJobFlags || settings.HasSpecFlags(context.Remaining.Raw), cancellationToken)
            : JobJson(settings, context.Remaining.Raw);
        var client = settings.CreateClient();
        var job = await client.ApplyJobAsync(settings.Name, body, cancellationToken);
        await JobOutput.WriteAsync(console, client, settings, job, cancellationToken);
        return await JobOutput.WaitAsync(console, client, settings, job, cancellationToken);
    }
}

public sealed class JobScaleSettings : JobNameSettings, IJobWaitSettings
{
    [CommandOption("--wait")]
    [Description("Wait until the job has COUNT tasks running (exit 0), showing its progress")]
    public bool Wait { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("With --wait: give up after this long (exit 1). Default 300")]
    [DefaultValue(300)]
    public int Timeout { get; init; } = 300;

    [CommandArgument(1, "<GROUP|COUNT>")]
    [Description("How many tasks to keep running; for a job of groups, the group, and its count after it")]
    public string First { get; init; } = "";

    [CommandArgument(2, "[COUNT]")]
    [Description("A group's count")]
    public string? Second { get; init; }

    /// <summary>The group, when one is named.</summary>
    public string? Group => Second is null ? null : First;

    public int Count => int.TryParse(Second ?? First, out var count)
        ? count
        : throw new CliException($"COUNT must be a whole number, not '{Second ?? First}'");
}

/// <summary>orchestrator job scale NAME [GROUP] COUNT.</summary>
public sealed class JobScaleCommand(IAnsiConsole console) : AsyncCommand<JobScaleSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobScaleSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var job = await client.ScaleJobAsync(settings.Name, settings.Group, settings.Count, cancellationToken);
        await JobOutput.WriteAsync(console, client, settings, job, cancellationToken);
        return await JobOutput.WaitAsync(console, client, settings, job, cancellationToken);
    }
}

public sealed class JobStatusSettings : ApiSettings
{
    [CommandArgument(0, "[NAME]")]
    [Description("One job, with its tasks")]
    public string? Name { get; init; }
}

/// <summary>orchestrator job status [NAME]: every job as a table, or one with its tasks.</summary>
public sealed class JobStatusCommand(IAnsiConsole console) : AsyncCommand<JobStatusSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobStatusSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        if (settings.Name is { } name)
        {
            await JobOutput.WriteAsync(console, client, settings, await client.GetJobAsync(name, cancellationToken), cancellationToken);
            return 0;
        }
        var jobs = await client.ListJobsAsync(cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, jobs);
        else if (jobs.Count == 0)
            console.Profile.Out.Writer.WriteLine("no jobs");
        else
            console.Write(Output.JobTable(jobs));
        return 0;
    }
}

public class JobWaitSettings : JobNameSettings, IJobWaitSettings
{
    [CommandOption("--wait")]
    [Description("Wait until the job has its count of tasks of its latest revision running (exit 0), showing its progress")]
    public bool Wait { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("With --wait: give up after this long (exit 1). Default 300")]
    [DefaultValue(300)]
    public int Timeout { get; init; } = 300;
}

/// <summary>orchestrator job restart NAME: every task replaced by a rollout of the same spec.</summary>
public sealed class JobRestartCommand(IAnsiConsole console) : AsyncCommand<JobWaitSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobWaitSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var job = await client.RestartJobAsync(settings.Name, cancellationToken);
        await JobOutput.WriteAsync(console, client, settings, job, cancellationToken);
        return await JobOutput.WaitAsync(console, client, settings, job, cancellationToken);
    }
}

public sealed class JobRevertSettings : JobWaitSettings
{
    [CommandArgument(1, "<REVISION>")]
    [Description("The revision whose spec to go back to (job revisions NAME lists them)")]
    public int Revision { get; init; }
}

/// <summary>orchestrator job revert NAME REVISION.</summary>
public sealed class JobRevertCommand(IAnsiConsole console) : AsyncCommand<JobRevertSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobRevertSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var job = await client.RevertJobAsync(settings.Name, settings.Revision, cancellationToken);
        await JobOutput.WriteAsync(console, client, settings, job, cancellationToken);
        return await JobOutput.WaitAsync(console, client, settings, job, cancellationToken);
    }
}

/// <summary>orchestrator job revisions NAME: the kept revisions as a table, newest first.</summary>
public sealed class JobRevisionsCommand(IAnsiConsole console) : AsyncCommand<JobNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobNameSettings settings, CancellationToken cancellationToken)
    {
        var revisions = await settings.CreateClient().JobRevisionsAsync(settings.Name, cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(console, revisions);
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("REVISION", "CREATED", "IMAGE", "REASON");
        foreach (var revision in revisions.Revisions)
            table.AddRow(
                revision.Revision + (revision.Current ? " (current)" : ""),
                revision.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"),
                Markup.Escape(revision.Task.Image),
                Markup.Escape(revision.Reason));
        console.Write(table);
        return 0;
    }
}

/// <summary>orchestrator job promote NAME: the canaries serve, go on with the rollout.</summary>
public sealed class JobPromoteCommand(IAnsiConsole console) : AsyncCommand<JobNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobNameSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        await JobOutput.WriteAsync(console, client, settings, await client.PromoteJobAsync(settings.Name, cancellationToken), cancellationToken);
        return 0;
    }
}

/// <summary>orchestrator job run-now NAME: start a run of a periodic job now.</summary>
public sealed class JobRunNowCommand(IAnsiConsole console) : AsyncCommand<JobNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobNameSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        await JobOutput.WriteAsync(console, client, settings, await client.RunJobNowAsync(settings.Name, cancellationToken), cancellationToken);
        return 0;
    }
}

/// <summary>orchestrator job stop NAME: stop every task of the job and delete it.</summary>
public sealed class JobStopCommand(IAnsiConsole console) : AsyncCommand<JobNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobNameSettings settings, CancellationToken cancellationToken)
    {
        var job = await settings.CreateClient().DeleteJobAsync(settings.Name, cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, job);
        else
            console.Profile.Out.Writer.WriteLine($"job {job.Name} deleted; stopping {job.Tasks.Count} tasks");
        return 0;
    }
}

internal static class JobOutput
{
    /// <summary>
    /// With --wait, follows the job until it has its count of tasks of the latest revision running and nothing else,
    /// or, for a batch job, until it is Complete, printing a line each time that changes. Gives up, exit 1, after the
    /// timeout, when StateStore holds the job back after failures, or when a batch job fails.
    /// </summary>
    public static async Task<int> WaitAsync(IAnsiConsole console, OrchestratorClient client, IJobWaitSettings settings, JobDetails job, CancellationToken cancellationToken)
    {
        if (!settings.Wait)
            return 0;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(settings.Timeout);
        string? last = null;
        while (true)
        {
            // The job's message says what it waits for: a rollout, or a start held back.
            var progress = Output.JobProgress(job) + (job.Message is null ? "" : $"; {job.Message}");
            if (progress != last)
                console.MarkupLine($"[grey]{Markup.Escape(progress)}[/]");
            last = progress;
            if (job.Schedule is not null)
                return 0;
            if (job.Type == JobType.Batch && job.Status != JobStatus.Running)
                return job.Status == JobStatus.Complete ? 0 : throw new CliException($"job {job.Name} {job.Message}");
            if (job.Type != JobType.Batch && (job.Groups ?? [job]).All(Settled))
                return 0;
            if (job.HeldBackUntil is not null)
                throw new CliException($"job {job.Name} is held back: {job.Message}");
            if (DateTimeOffset.UtcNow > deadline)
                throw new CliException($"job {job.Name} did not settle in {settings.Timeout} s: {progress}");
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            job = await client.GetJobAsync(job.Name, cancellationToken);
        }
    }

    /// <summary>A service or system job (or group) that runs its count of its latest revision, and nothing else.</summary>
    private static bool Settled(JobDetails job) =>
        job.Running == job.Count && job.Tasks.All(t => t.Revision == job.Revision && t.DesiredState == Domain.Tasks.DesiredState.Running);

    public static async Task WriteAsync(IAnsiConsole console, OrchestratorClient client, ApiSettings settings, JobDetails job, CancellationToken cancellationToken)
    {
        if (settings.Json)
        {
            Output.WriteJson(console, job);
            return;
        }
        var nodes = (await client.ListNodesAsync(cancellationToken)).ToDictionary(n => n.Id, n => n.Name);
        console.Write(Output.JobDetail(job, nodes));
    }
}
