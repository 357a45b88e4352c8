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

    /// <summary>Room in a task's name for "-" and the task's number after the job's name.</summary>
    public const int MaxNameLength = TaskSpecValidator.MaxNameLength - 7;

    public static IReadOnlyDictionary<string, string[]> Validate(string name, JobSpec spec)
    {
        var errors = new Dictionary<string, string[]>();
        AddNameErrors(name, errors);
        AddCountErrors(spec.Count, errors);
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
