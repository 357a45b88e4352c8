using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Jobs;

/// <summary>
/// Checks a job's name, count and task spec. Errors are keyed by the field's path, as <see cref="TaskSpecValidator"/>
/// keys them, under <c>task.</c> for the task spec.
/// </summary>
public static class JobValidator
{
    public const int MaxCount = 1000;
    public const int MaxRetries = 100;

    /// <summary>Room in a task's name for "-" and the task's number after the job's name.</summary>
    public const int MaxNameLength = TaskSpecValidator.MaxNameLength - 7;

    public static IReadOnlyDictionary<string, string[]> Validate(string name, JobSpec spec)
    {
        var errors = new Dictionary<string, string[]>();
        AddNameErrors(name, errors);
        AddCountErrors(spec.Count, errors);
        AddTypeErrors(spec, errors);
        if (spec.Task is null)
        {
            errors["task"] = ["The task spec is required."];
            return errors;
        }
        if (spec.Task.Name.Length > 0 && spec.Task.Name != name)
            errors["task.name"] = ["A job's tasks are named after the job; leave task.name out."];
        // The name was checked above, by the job's stricter rule.
        foreach (var (field, messages) in TaskSpecValidator.Validate(spec.Task with { Name = "job" }))
            errors[$"task.{field}"] = messages;
        return errors;
    }

    /// <summary>A batch job has completions instead of a count, and its tasks must be able to end.</summary>
    private static void AddTypeErrors(JobSpec spec, Dictionary<string, string[]> errors)
    {
        if (!Enum.IsDefined(spec.Type))
            errors["type"] = ["type must be service or batch."];
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
