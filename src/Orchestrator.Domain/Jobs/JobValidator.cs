using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Jobs;

/// <summary>
/// Checks a job's name, count, datacenters and task spec. Errors are keyed by the field's path, as <see cref="TaskSpecValidator"/>
/// keys them, under <c>task.</c> for the task spec.
/// </summary>
public static class JobValidator
{
    public const int MaxCount = 1000;
    public const int MaxRetries = 100;
    public const int MaxKeepRuns = 100;
    public const int MaxProgressDeadlineSeconds = 24 * 3600;
    public const int MaxScheduleLength = 256;
    public const int MaxTimeZoneLength = 64;

    /// <summary>Room after a periodic job's name for "-" and a run's time in Unix seconds.</summary>
    public const int MaxPeriodicNameLength = MaxNameLength - 11;

    /// <summary>Room in a task's name for "-" and the task's number after the job's name.</summary>
    public const int MaxNameLength = TaskSpecValidator.MaxNameLength - 7;

    public const int MaxGroups = 32;

    public static IReadOnlyDictionary<string, string[]> Validate(string name, JobSpec spec) =>
        spec.Groups is null ? ValidateOne(name, spec) : ValidateGroups(name, spec);

    /// <summary>
    /// A job of groups: each group is checked as the job that runs it (<see cref="JobSpec.ForGroup"/>), its errors keyed
    /// under <c>groups[i].</c>; the job's own fields are checked once.
    /// </summary>
    private static IReadOnlyDictionary<string, string[]> ValidateGroups(string name, JobSpec spec)
    {
        var errors = new Dictionary<string, string[]>();
        AddNameErrors(name, errors);
        if (spec.Task is not null)
            errors["task"] = ["Give either task and count (a job of one group) or groups, not both."];
        if (spec.Count is not null)
            errors["count"] = ["A job of groups has a count in each group."];
        if (spec.IsPeriodic)
            errors["groups"] = ["A periodic job has one task spec: groups are for service, batch and system jobs."];
        if (spec.Groups!.Count is 0 or > MaxGroups)
            errors["groups"] = [$"A job has 1 to {MaxGroups} groups."];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Groups.Count; i++)
        {
            var group = spec.Groups[i];
            var prefix = $"groups[{i}].";
            if (!IsName(group.Name) || !IsName(JobSpec.GroupJobName(name, group.Name)))
                errors[prefix + "name"] = [$"A group's name must be a name (letters, digits, '.', '_' or '-'), and the job's name, '-' and it at most {MaxNameLength} characters."];
            else if (!seen.Add(group.Name))
                errors[prefix + "name"] = [$"Two groups are named {group.Name}."];
            foreach (var (field, messages) in ValidateOne(JobSpec.GroupJobName(name, IsName(group.Name) ? group.Name : "group"), spec.ForGroup(group)))
            {
                if (field is "name")
                    continue;
                var groupField = field is "count" || field.StartsWith("task", StringComparison.Ordinal);
                errors[groupField ? prefix + field : field] = messages;
            }
        }
        return errors;
    }

    private static IReadOnlyDictionary<string, string[]> ValidateOne(string name, JobSpec spec)
    {
        var errors = new Dictionary<string, string[]>();
        AddNameErrors(name, errors);
        AddCountErrors(spec.Count, errors);
        AddTypeErrors(spec, errors);
        AddScheduleErrors(name, spec, errors);
        AddUpdateErrors(spec, errors);

        foreach (var (field, message) in NodeDatacenter.Errors(spec.Datacenters))
            errors[field] = [message];
        if (spec.Task is null)
        {
            errors["task"] = ["The task spec is required."];
            return errors;
        }
        if (spec.Task.Name.Length > 0 && spec.Task.Name != name)
            errors["task.name"] = ["A job's tasks are named after the job; leave task.name out."];
        if (spec.HasConflictingDatacenters)
            errors["datacenters"] = ["datacenters and task.datacenters differ; list the job's datacenters in one of them."];
        // The name was checked above, by the job's stricter rule.
        foreach (var (field, messages) in TaskSpecValidator.Validate(spec.Task with { Name = "job" }))
            errors[$"task.{field}"] = messages;
        return errors;
    }

    /// <summary>A batch job has completions instead of a count, and its tasks must be able to end.</summary>
    private static void AddTypeErrors(JobSpec spec, Dictionary<string, string[]> errors)
    {
        if (!Enum.IsDefined(spec.Type))
            errors["type"] = ["type must be service, batch or system."];
        if (spec.Type == JobType.System)
        {
            if (spec.Count is not null)
                errors["count"] = ["A system job has no count: it runs one task on every eligible node."];
            if (spec.Task?.NodeId is not null)
                errors["task.nodeId"] = ["A system job places one task on every eligible node; use constraints to choose the nodes."];
        }
        if (spec.Type != JobType.Batch)
        {
            foreach (var (field, value) in BatchFields(spec))
                if (value is not null)
                    errors[field] = [$"{field} is for batch jobs; this job's type is {spec.Type.ToString().ToLowerInvariant()}."];
            return;
        }
        if (spec.Count is not null)
            errors["count"] = ["A batch job has no count: completions says how many tasks must succeed, parallelism how many run at once."];
        if (spec.Completions is < 1 or > MaxCount)
            errors["completions"] = [$"completions must be between 1 and {MaxCount}."];
        if (spec.Parallelism is < 1 or > MaxCount)
            errors["parallelism"] = [$"parallelism must be between 1 and {MaxCount}."];
        if (spec.MaxRetries is < 0 or > MaxRetries)
            errors["maxRetries"] = [$"maxRetries must be between 0 and {MaxRetries}."];
        if (spec.Task?.RestartPolicy?.Mode == RestartMode.Always)
            errors["task.restartPolicy.mode"] = ["A batch job's tasks must be able to end: use never (the default for batch) or onFailure."];
    }

    /// <summary>A service job's rollout settings, each in its range; a canary is at most the count.</summary>
    private static void AddUpdateErrors(JobSpec spec, Dictionary<string, string[]> errors)
    {
        if (spec.Update is not { } update)
            return;
        if (spec.Type != JobType.Service)
        {
            errors["update"] = ["update is for service jobs: a batch job runs to completion, a system job rolls out one node at a time."];
            return;
        }
        if (update.MaxParallel is < 1 or > MaxCount)
            errors["update.maxParallel"] = [$"update.maxParallel must be between 1 and {MaxCount}."];
        if (update.MinHealthySeconds is < 0 or > TaskSpecValidator.MaxSeconds)
            errors["update.minHealthySeconds"] = [$"update.minHealthySeconds must be between 0 and {TaskSpecValidator.MaxSeconds}."];
        if (update.ProgressDeadlineSeconds < 10 || update.ProgressDeadlineSeconds > MaxProgressDeadlineSeconds || update.ProgressDeadlineSeconds <= update.MinHealthySeconds)
            errors["update.progressDeadlineSeconds"] = [$"update.progressDeadlineSeconds must be between 10 and {MaxProgressDeadlineSeconds}, and above minHealthySeconds."];
        if (update.Canary < 0 || update.Canary > (spec.Count ?? MaxCount))
            errors["update.canary"] = ["update.canary must be between 0 and the job's count."];
    }

    /// <summary>A schedule makes a batch job periodic; its time zone, overlap and kept runs go only with it.</summary>
    private static void AddScheduleErrors(string name, JobSpec spec, Dictionary<string, string[]> errors)
    {
        if (spec.Schedule is null)
        {
            foreach (var (field, given) in new[] { ("timeZone", spec.TimeZone is not null), ("overlap", spec.Overlap is not null), ("keepRuns", spec.KeepRuns is not null) })
                if (given)
                    errors[field] = [$"{field} is for periodic jobs: give a schedule too."];
            return;
        }
        if (spec.Type != JobType.Batch)
            errors["schedule"] = ["A schedule is for batch jobs: a periodic job is a batch job that runs on a schedule."];
        string? error = null;
        if (spec.Schedule.Length > MaxScheduleLength)
            errors["schedule"] = [$"schedule is at most {MaxScheduleLength} characters."];
        else if (PeriodicSchedule.TryParse(spec.Schedule, null, out error) is null)
            errors["schedule"] = [error!];
        if (spec.TimeZone?.Length > MaxTimeZoneLength)
            errors["timeZone"] = [$"timeZone is at most {MaxTimeZoneLength} characters."];
        else if (spec.TimeZone is not null && PeriodicSchedule.TryParse("@daily", spec.TimeZone, out error) is null)
            errors["timeZone"] = [error!];
        if (spec.Overlap is { } overlap && !Enum.IsDefined(overlap))
            errors["overlap"] = ["overlap must be allow, skip or replace."];
        if (spec.KeepRuns is < 1 or > MaxKeepRuns)
            errors["keepRuns"] = [$"keepRuns must be between 1 and {MaxKeepRuns}."];
        if (IsName(name) && name.Length > MaxPeriodicNameLength)
            errors["name"] = [$"A periodic job's name is at most {MaxPeriodicNameLength} characters: each run is named after it and the run's time."];
    }

    private static IEnumerable<(string Field, int? Value)> BatchFields(JobSpec spec) =>
        [("completions", spec.Completions), ("parallelism", spec.Parallelism), ("maxRetries", spec.MaxRetries)];

    public static IReadOnlyDictionary<string, string[]> ValidateScale(string name, JobScale scale)
    {
        var errors = new Dictionary<string, string[]>();
        AddNameErrors(name, errors);
        if (scale.Count is null)
            errors["count"] = ["The count is required."];
        AddCountErrors(scale.Count, errors);
        return errors;
    }

    /// <summary>The rule of a task's name, shorter, so that "-" and the task's number fit after it.</summary>
    public static bool IsName(string name) => TaskSpecValidator.IsName(name, MaxNameLength);

    private static void AddNameErrors(string name, Dictionary<string, string[]> errors)
    {
        if (!IsName(name))
            errors["name"] = [$"A job's name must be 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit."];
    }

    private static void AddCountErrors(int? count, Dictionary<string, string[]> errors)
    {
        if (count is < 0 or > MaxCount)
            errors["count"] = [$"count must be between 0 and {MaxCount}."];
    }
}
