using System.Text.Json;

namespace Orchestrator.Contracts;

/// <summary>
/// The one JSON form of the project's records wherever the project itself writes and reads them back: the outbox's
/// message bodies, StateStore's JSON columns, the task spec in a container's labels. .NET's web defaults (camelCase
/// names, case-insensitive reads, enums as numbers), so that what one service writes another reads, and a row or
/// label written by an earlier version still reads. The CLI starts from it too, adding what the Api's HTTP form
/// adds (enums by name).
/// </summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
