namespace Orchestrator.Contracts;

/// <summary>
/// Who asked for a change: headers the Api puts on every message it sends while answering a request, and StateStore
/// writes into the audit trail in the change's own transaction.
/// </summary>
public static class CallerHeaders
{
    /// <summary>The API key's name (<c>anonymous</c> on an open Api).</summary>
    public const string Key = "Orchestrator-Caller";

    /// <summary>The client's address as the Api saw it.</summary>
    public const string Address = "Orchestrator-Caller-Address";
}
