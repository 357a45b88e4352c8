using System.Net;
using System.Text.Json;

namespace Orchestrator.Web.Api;

/// <summary>
/// A call to the Api that did not succeed, as one readable sentence for the page (the ProblemDetails' title and
/// detail), with the fields a validation problem names, so a form can show each message beside its field.
/// </summary>
public sealed class ApiException(string message, HttpStatusCode? status = null, IReadOnlyDictionary<string, string[]>? fields = null)
    : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;

    public IReadOnlyDictionary<string, string[]> Fields { get; } = fields ?? new Dictionary<string, string[]>();

    /// <summary>The Api's answer read as ProblemDetails; a body that is not one still gives a sentence.</summary>
    public static async Task<ApiException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        if (status == HttpStatusCode.Unauthorized)
            return new ApiException("The Api refused the key. Sign in again.", status);
        if (status == HttpStatusCode.Forbidden)
            return new ApiException("This key may only read.", status);
        string? title = null, detail = null;
        var fields = new Dictionary<string, string[]>();
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = problem.RootElement;
            title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                foreach (var field in errors.EnumerateObject())
                    fields[field.Name] = field.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray();
        }
        catch (JsonException)
        {
            // Not ProblemDetails (a proxy's page, say): the status says enough.
        }
        var sentence = string.Join(" ", new[] { title, detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (sentence.Length == 0)
            sentence = $"The Api answered {(int)status} {response.ReasonPhrase}.";
        return new ApiException(sentence, status, fields);
    }

    /// <summary>The Api could not be reached at all.</summary>
    public static ApiException Unreachable(Uri? api, Exception error) =>
        new($"The Api at {api} cannot be reached: {error.Message}");
}
