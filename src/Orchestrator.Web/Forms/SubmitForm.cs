using System.Globalization;
using System.Text.Json.Nodes;

namespace Orchestrator.Web.Forms;

/// <summary>
/// The submit page's common fields, and the JSON they make: a task spec, or a job's spec with the task inside it.
/// The Api checks it and names each bad field; <see cref="Field"/> says which of these inputs a name belongs to.
/// </summary>
public sealed class SubmitForm
{
    public const string JobNameField = "jobName";

    public bool AsJob { get; set; }
    public string? JobName { get; set; }
    public string? Name { get; set; }
    public string? Image { get; set; }
    public string? Command { get; set; }
    public string? Cpu { get; set; }
    public string? MemoryMb { get; set; }
    public string? Count { get; set; }

    /// <summary>
    /// The spec as JSON. Only what was filled in is sent; a number that does not read as one is sent as the text it is,
    /// for the Api to refuse by its field's name. A job's task has no name of its own (it is named after the job).
    /// </summary>
    public string ToJson()
    {
        var task = new JsonObject();
        if (!AsJob && !string.IsNullOrWhiteSpace(Name))
            task["name"] = Name.Trim();
        if (!string.IsNullOrWhiteSpace(Image))
            task["image"] = Image.Trim();
        if (!string.IsNullOrWhiteSpace(Command))
            task["command"] = new JsonArray(Command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word => (JsonNode?)word).ToArray());
        var resources = new JsonObject();
        if (Number(Cpu) is { } cpu)
            resources["cpu"] = cpu;
        if (Number(MemoryMb) is { } memory)
            resources["memoryMb"] = memory;
        if (resources.Count > 0)
            task["resources"] = resources;
        if (!AsJob)
            return task.ToJsonString();
        var job = new JsonObject { ["task"] = task };
        if (Number(Count) is { } count)
            job["count"] = count;
        return job.ToJsonString();
    }

    /// <summary>The name the Api gives a task field (<c>image</c>, <c>resources.cpu</c>) in a task's or a job's spec.</summary>
    public static string Field(bool asJob, string taskField) => asJob ? $"task.{taskField}" : taskField;

    /// <summary>The fields these inputs show messages for; any other the page lists under the form.</summary>
    public static IReadOnlyCollection<string> FormFields(bool asJob) =>
        [JobNameField, .. new[] { "name", "image", "command", "resources.cpu", "resources.memoryMb" }.Select(f => Field(asJob, f)), "count"];

    private static JsonNode? Number(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? JsonValue.Create(value)
            : JsonValue.Create(text.Trim());
    }
}
