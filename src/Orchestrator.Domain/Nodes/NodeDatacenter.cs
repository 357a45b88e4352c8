using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Nodes;

/// <summary>
/// A datacenter is a name: each agent reports the one its node is in (<c>Agent:Datacenter</c>), and a task or job may
/// list the ones it is placed in (<c>datacenters</c>). Nothing registers them; a datacenter is the nodes that report it.
/// </summary>
public static class NodeDatacenter
{
    /// <summary>The datacenter of a node whose agent names none, and of every node registered before agents reported one.</summary>
    public const string Default = "dc1";

    public const int MaxListed = 16;

    /// <summary>The rule of a task's name: letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public static bool IsName(string? name) => name is not null && TaskSpecValidator.IsName(name);

    public static readonly string NameRule =
        $"1 to {TaskSpecValidator.MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>
    /// What is wrong with a list of datacenters, keyed by its JSON path under <paramref name="field"/>
    /// (<c>datacenters[1]</c>): too many, a name that is not one, or a name listed twice.
    /// </summary>
    public static IEnumerable<(string Field, string Message)> Errors(IReadOnlyList<string>? datacenters, string field = "datacenters")
    {
        if (datacenters is null)
            yield break;
        if (datacenters.Count > MaxListed)
            yield return (field, $"At most {MaxListed} datacenters may be listed.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < datacenters.Count; i++)
        {
            if (!IsName(datacenters[i]))
                yield return ($"{field}[{i}]", $"A datacenter must be {NameRule}.");
            else if (!seen.Add(datacenters[i]))
                yield return ($"{field}[{i}]", $"Datacenter {datacenters[i]} is listed twice.");
        }
    }

    /// <summary>Whether <paramref name="datacenters"/> lets a task be placed in <paramref name="datacenter"/>: all do when none are listed.</summary>
    public static bool Allows(IReadOnlyList<string>? datacenters, string datacenter)
    {
        if (datacenters is null || datacenters.Count == 0)
            return true;
        // Indexed rather than foreach, which would box the list's enumerator: this runs for every node at every placement.
        for (var i = 0; i < datacenters.Count; i++)
            if (string.Equals(datacenters[i], datacenter, StringComparison.Ordinal))
                return true;
        return false;
    }
}
