using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Apis;

/// <summary>
/// Reads a spec (a task's, a job's) from a request body and checks it. Every problem, from malformed JSON to an
/// absurd memory request, comes back as field errors keyed by the field's path in the body. A null where the spec's
/// type allows none (<c>"name": null</c>) is refused as such, so no null reaches the validators.
/// </summary>
public sealed class SpecReader(IOptions<JsonOptions> jsonOptions)
{
    private readonly JsonSerializerOptions _options = new(jsonOptions.Value.SerializerOptions) { RespectNullableAnnotations = true };

    public async Task<(T? Spec, IReadOnlyDictionary<string, string[]> Errors)> ReadAsync<T>(
        HttpRequest request, Func<T, IReadOnlyDictionary<string, string[]>> validate, CancellationToken cancellationToken)
        where T : class
    {
        T? spec;
        try
        {
            spec = await JsonSerializer.DeserializeAsync<T>(request.Body, _options, cancellationToken);
        }
        catch (JsonException error)
        {
            return (null, Problem(FieldOf(error), Describe(error)));
        }
        if (spec is null)
            return (null, Problem("body", $"The body must be a JSON object: {typeof(T).Name}."));
        var errors = validate(spec);
        return (errors.Count == 0 ? spec : null, errors);
    }

    private static IReadOnlyDictionary<string, string[]> Problem(string field, string message) =>
        new Dictionary<string, string[]> { [field] = [message] };

    /// <summary>"$.resources.cpu" becomes "resources.cpu"; a body that is not JSON at all is "body".</summary>
    private static string FieldOf(JsonException error)
    {
        var path = error.Path?.TrimStart('$').TrimStart('.');
        return string.IsNullOrEmpty(path) ? "body" : path;
    }

    private static string Describe(JsonException error) => error switch
    {
        _ when error.Message.Contains("could not be mapped", StringComparison.Ordinal) => "This is not a known field.",
        _ when error.Message.Contains("null value", StringComparison.Ordinal) => "This field cannot be null: leave it out for its default.",
        { Path: null or "$" } => "The body is not valid JSON.",
        _ => "The value has the wrong type or is malformed.",
    };
}
