using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Web.Api;

/// <summary>
/// The Api over HTTP, as any client reaches it, with the signed-in person's key; the UI has no other way to the
/// cluster. Every failure is an <see cref="ApiException"/> with a sentence a page can show. Each change is sent with
/// an Idempotency-Key of its own, so a click sent twice (a double click, a reconnect) changes things once.
/// </summary>
public sealed class OrchestratorApi(HttpClient http, AuthenticationStateProvider signedIn, IOptions<WebOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public const int PageSize = 50;

    public Task<CallerDetails> MeAsync(CancellationToken cancellationToken) => GetAsync<CallerDetails>("api/me", cancellationToken);

    public Task<ClusterSummary> SummaryAsync(CancellationToken cancellationToken) => GetAsync<ClusterSummary>("api/summary", cancellationToken);

    public Task<List<NodeDetails>> NodesAsync(CancellationToken cancellationToken) => GetAsync<List<NodeDetails>>("api/nodes", cancellationToken);

    public Task<List<JobDetails>> JobsAsync(CancellationToken cancellationToken) => GetAsync<List<JobDetails>>("api/jobs", cancellationToken);

    public Task<JobDetails> JobAsync(string name, CancellationToken cancellationToken) =>
        GetAsync<JobDetails>($"api/jobs/{Uri.EscapeDataString(name)}", cancellationToken);

    public Task<List<ServiceSummary>> ServicesAsync(CancellationToken cancellationToken) =>
        GetAsync<List<ServiceSummary>>("api/services", cancellationToken);

    /// <summary>Every instance of the service, the failing ones too.</summary>
    public Task<List<ServiceInstance>> ServiceAsync(string name, CancellationToken cancellationToken) =>
        GetAsync<List<ServiceInstance>>($"api/services/{Uri.EscapeDataString(name)}?all=true", cancellationToken);

    public Task<TaskDetails> TaskAsync(Guid id, CancellationToken cancellationToken) => GetAsync<TaskDetails>($"api/tasks/{id}", cancellationToken);

    public Task<List<TaskEventDetails>> EventsAsync(Guid id, CancellationToken cancellationToken) =>
        GetAsync<List<TaskEventDetails>>($"api/tasks/{id}/events?limit={GetTaskEvents.MaxLimit}", cancellationToken);

    /// <summary>
    /// A page of the newest tasks after <paramref name="before"/>: in <paramref name="state"/>, starting with
    /// <paramref name="idPrefix"/>, of <paramref name="job"/>, on <paramref name="node"/> and with <paramref name="name"/>
    /// in their names, each when given.
    /// </summary>
    public Task<List<TaskDetails>> TasksAsync(
        TaskState? state, string? idPrefix, string? job, Guid? before, CancellationToken cancellationToken, Guid? node = null, string? name = null)
    {
        var query = new List<string> { $"limit={PageSize}" };
        if (state is { } s)
            query.Add($"state={s}");
        if (!string.IsNullOrWhiteSpace(idPrefix))
            query.Add($"idPrefix={Uri.EscapeDataString(idPrefix.Trim())}");
        if (!string.IsNullOrWhiteSpace(name))
            query.Add($"name={Uri.EscapeDataString(name.Trim())}");
        if (job is not null)
            query.Add($"job={Uri.EscapeDataString(job)}");
        if (node is { } placed)
            query.Add($"node={placed}");
        if (before is { } last)
            query.Add($"before={last}");
        return GetAsync<List<TaskDetails>>($"api/tasks?{string.Join('&', query)}", cancellationToken);
    }

    /// <summary>The last <paramref name="tail"/> lines of the task's log.</summary>
    public async Task<string> LogsAsync(Guid id, int tail, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"api/tasks/{id}/logs?tail={tail}", null, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>
    /// The last <paramref name="tail"/> lines of the task's log, then each line as the task writes it, until its
    /// container exits or <paramref name="cancellationToken"/> is cancelled (the Api's <c>follow=true</c> stream). A
    /// stream the Api or the network cut short ends as a stream that ended; the caller asks again on its next look.
    /// </summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(Guid id, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(HttpMethod.Get, $"api/tasks/{id}/logs?tail={tail}&follow=true", body: null);
        using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await ReadLineAsync(reader, cancellationToken) is { } line)
            yield return line;
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (Exception cut) when (cut is IOException or HttpRequestException)
        {
            return null;
        }
    }

    public Task<TaskDetails> SubmitAsync(string specJson, CancellationToken cancellationToken) =>
        ChangeAsync<TaskDetails>(HttpMethod.Post, "api/tasks", specJson, cancellationToken);

    public Task<JobDetails> ApplyJobAsync(string name, string specJson, CancellationToken cancellationToken) =>
        ChangeAsync<JobDetails>(HttpMethod.Put, $"api/jobs/{Uri.EscapeDataString(name)}", specJson, cancellationToken);

    public Task<TaskDetails> StopTaskAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync<TaskDetails>(HttpMethod.Delete, $"api/tasks/{id}", null, cancellationToken);

    public Task<JobDetails> ScaleJobAsync(string name, int count, CancellationToken cancellationToken) =>
        ChangeAsync<JobDetails>(HttpMethod.Put, $"api/jobs/{Uri.EscapeDataString(name)}/scale", JsonSerializer.Serialize(new { count }, Json), cancellationToken);

    public Task<JobDetails> StopJobAsync(string name, CancellationToken cancellationToken) =>
        ChangeAsync<JobDetails>(HttpMethod.Delete, $"api/jobs/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public Task<NodeDetails> DrainAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync<NodeDetails>(HttpMethod.Post, $"api/nodes/{id}/drain", null, cancellationToken);

    public Task<NodeDetails> ReadyAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync<NodeDetails>(HttpMethod.Post, $"api/nodes/{id}/ready", null, cancellationToken);

    /// <summary>Who <paramref name="key"/> is, asked before anyone is signed in with it.</summary>
    public async Task<CallerDetails> WhoIsAsync(string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await SendAsync(request, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<CallerDetails>(Json, cancellationToken))!;
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private async Task<T> ChangeAsync<T>(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(method, path, body);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>A request with the signed-in person's key, and an Idempotency-Key of its own when it changes something.</summary>
    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (method != HttpMethod.Get)
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var user = (await signedIn.GetAuthenticationStateAsync()).User;
        if (user.FindFirst(WebClaims.ApiKey)?.Value is { } key)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            throw ApiException.Unreachable(options.Value.Api, error);
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await ApiException.FromAsync(response, cancellationToken);
    }
}
