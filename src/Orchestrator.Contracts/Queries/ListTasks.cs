using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>
/// A page of the task list, newest first, as the Api reads it from the store: at most <paramref name="Limit"/> tasks, only those in
/// <paramref name="State"/> when given, only those whose id (without dashes) starts with <paramref name="IdPrefix"/>
/// when given, only those of the job <paramref name="Job"/> when given (finished ones too: a batch job's history), only
/// those placed on the node <paramref name="Node"/> when given, only those whose name contains <paramref name="Name"/>
/// (ignoring case) when given, and
/// only those listed after the task <paramref name="Before"/> when given (the next page after a page that ended with
/// it; none if there is no such task). Tasks submitted since the first page never shift the
/// later ones.
/// </summary>
public sealed record ListTasks(
    int Limit = ListTasks.DefaultLimit, TaskState? State = null, string? IdPrefix = null, Guid? Before = null, string? Job = null,
    Guid? Node = null, string? Name = null)
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    /// <summary>A name search as the Api takes it: part of a name, so 1 to its longest length of what a name may hold.</summary>
    public static bool IsNameSearch(string value) =>
        value.Length is > 0 and <= TaskSpecValidator.MaxNameLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>An id prefix as the Api takes it: 1 to 36 hex digits, dashes anywhere (a task id's text form).</summary>
    public static bool IsIdPrefix(string value) =>
        value.Length is > 0 and <= 36 && value.All(c => char.IsAsciiHexDigit(c) || c == '-');
}
