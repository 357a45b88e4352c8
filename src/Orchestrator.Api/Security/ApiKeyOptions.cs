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

    /// <summary>Every request is served without a key. Only for an Api no one else can reach.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Shorter keys are refused at start-up: a key is a password to a root shell on every node.</summary>
    public const int MinKeyLength = 16;

    internal IEnumerable<string> Problems()
    {
        if (Keys.Count == 0 && !AllowAnonymous)
            yield return "The Api has no API key: set Api__Keys__<name>=<key> (at least " +
                $"{MinKeyLength} characters), or Api__AllowAnonymous=true for an Api no one else can reach.";
        foreach (var (name, key) in Keys)
            if (string.IsNullOrWhiteSpace(key) || key.Trim().Length < MinKeyLength)
                yield return $"API key '{name}' is shorter than {MinKeyLength} characters.";
    }
}
