namespace Orchestrator.Api.Security;

/// <summary>
/// Who may call the Api. The Api starts containers on every node, so it refuses to start with no key unless the
/// operator says in so many words that it should be open (<see cref="AllowAnonymous"/>).
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Api";

    /// <summary>
    /// Named keys, e.g. <c>Api__Keys__ci=...</c>: the name says who called in the logs and traces, and a key can be
    /// replaced without cutting off the others (add the new one, move its users over, remove the old one).
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>
    /// Named keys that may only read (<c>Api__ReadOnlyKeys__dashboard=...</c>): tasks, their history and logs, nodes.
    /// For dashboards and on-call viewers, who should not be able to start or stop anything.
    /// </summary>
    public Dictionary<string, string> ReadOnlyKeys { get; set; } = [];

    /// <summary>Every request is served without a key. Only for an Api no one else can reach.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Shorter keys are refused at start-up: a key is a password to a root shell on every node.</summary>
    public const int MinKeyLength = 16;

    internal IEnumerable<(ApiCaller Caller, string Key)> KeysByCaller() =>
        Keys.Select(key => (new ApiCaller(key.Key, CanWrite: true), key.Value))
            .Concat(ReadOnlyKeys.Select(key => (new ApiCaller(key.Key, CanWrite: false), key.Value)));

    internal IEnumerable<string> Problems()
    {
        if (Keys.Count == 0 && ReadOnlyKeys.Count == 0 && !AllowAnonymous)
            yield return "The Api has no API key: set Api__Keys__<name>=<key> (at least " +
                $"{MinKeyLength} characters), or Api__AllowAnonymous=true for an Api no one else can reach.";
        foreach (var (caller, key) in KeysByCaller())
            if (string.IsNullOrWhiteSpace(key) || key.Trim().Length < MinKeyLength)
                yield return $"API key '{caller.Name}' is shorter than {MinKeyLength} characters.";
        foreach (var name in Keys.Keys.Intersect(ReadOnlyKeys.Keys))
            yield return $"API key name '{name}' is in both Api:Keys and Api:ReadOnlyKeys: a name says who called, so it names one key.";
        foreach (var shared in KeysByCaller().Where(entry => !string.IsNullOrWhiteSpace(entry.Key))
                     .GroupBy(entry => entry.Key.Trim()).Where(group => group.Count() > 1))
            yield return $"API keys {string.Join(", ", shared.Select(entry => $"'{entry.Caller.Name}'"))} are the same key: " +
                "each caller needs its own, or the Api cannot tell who called (nor what they may do).";
    }
}

/// <summary>Who presented a key: its name, and whether it may change anything or only read.</summary>
public sealed record ApiCaller(string Name, bool CanWrite);
