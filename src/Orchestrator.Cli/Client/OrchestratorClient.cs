using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Api.Apis;
using Orchestrator.Contracts;

namespace Orchestrator.Cli.Client;

/// <summary>
/// The Api over REST, with each failure turned into one readable line. Every change is sent with an
/// <c>Idempotency-Key</c> of its own and sent again, with the same key, after a 503 (the Api's deadline passed, the
/// database or a service behind it is away) or a connection lost once the request went out: the Api applies it once
/// whichever attempt arrives. <paramref name="retrying"/> hears of each retry.
/// </summary>
public sealed class OrchestratorClient(HttpClient http, Action<string>? retrying = null)
{
    public static readonly JsonSerializerOptions Json = new(ContractJson.Options)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>How many times a change is sent, with one idempotency key, before its failure is reported.</summary>
    public const int ChangeAttempts = 4;

    /// <summary>How many times a read is sent before its failure is reported.</summary>
    public const int ReadAttempts = 5;

    public Task<TaskDetails> SubmitAsync(string specJson, CancellationToken cancellationToken) =>
        SendAsync<TaskDetails>(HttpMethod.Post, "api/tasks", new StringContent(specJson, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>
    /// Sends a change under an idempotency key of its own, up to <see cref="ChangeAttempts"/> times with that key
    /// (<see cref="SendRetryingAsync"/>): whichever attempt the Api applied, it is applied once.
    /// </summary>
    private async Task<HttpResponseMessage> SendChangeAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        // Read once: a request's content goes with the request when it is disposed, and each attempt is a new request.
        var body = content is null ? null : await content.ReadAsByteArrayAsync(cancellationToken);
        return await SendRetryingAsync(() =>
            {
                var request = new HttpRequestMessage(method, path);
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = content!.Headers.ContentType;
                }
                request.Headers.Add(IdempotencyKey.Header, key);
                return request;
            },
            ChangeAttempts,
            (why, delay, next) => retrying?.Invoke(
                $"{why}; sending it again in {delay.TotalSeconds:0} s with the same Idempotency-Key (attempt {next} of {ChangeAttempts})"),
            cancellationToken);
    }

    /// <summary>
    /// Sends the request <paramref name="make"/> makes, up to <paramref name="attempts"/> times: again after a 503 (after
    /// its Retry-After, else 1, 2, 4, 8 s) or a connection lost once the request went out, never after one refused
    /// before it did. <paramref name="retrying"/> hears why, how long until, and the number of the next attempt. The
    /// last attempt's answer is returned, whatever it is.
    /// </summary>
    private async Task<HttpResponseMessage> SendRetryingAsync(
        Func<HttpRequestMessage> make, int attempts, Action<string, TimeSpan, int>? retrying, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var last = attempt == attempts;
            using var request = make();
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException lost) when (!last && lost.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError))
            {
                await WaitToRetryAsync($"the connection was lost ({lost.Message})", RetryDelay(attempt), attempt, retrying, cancellationToken);
                continue;
            }
            catch (HttpRequestException error)
            {
                throw CannotReach(error);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"the Api at {BaseAddress} did not answer in time");
            }
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || last)
                return response;
            var delay = response.Headers.RetryAfter?.Delta ?? RetryDelay(attempt);
            response.Dispose();
            await WaitToRetryAsync("the Api answered 503", delay, attempt, retrying, cancellationToken);
        }
    }

    private static TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));

    private static Task WaitToRetryAsync(
        string why, TimeSpan delay, int attempt, Action<string, TimeSpan, int>? retrying, CancellationToken cancellationToken)
    {
        retrying?.Invoke(why, delay, attempt + 1);
        return Task.Delay(delay, cancellationToken);
    }

    /// <summary>
    /// The newest tasks, only those in <paramref name="state"/> and of <paramref name="job"/> when given (the Api checks the name and the
    /// limit), at most <paramref name="limit"/> (the Api's default when null); with <paramref name="all"/>, page
    /// after page as the Api's Link headers lead, each of that size.
    /// </summary>
    public async Task<List<TaskDetails>> ListTasksAsync(
        string? state, int? limit, bool all, CancellationToken cancellationToken, string? job = null, string? name = null)
    {
        var query = new List<string>();
        if (state is not null)
            query.Add($"state={Uri.EscapeDataString(state)}");
        if (job is not null)
            query.Add($"job={Uri.EscapeDataString(job)}");
        if (name is not null)
            query.Add($"name={Uri.EscapeDataString(name)}");
        if (limit is not null)
            query.Add($"limit={limit}");
        string? path = query.Count == 0 ? "api/tasks" : $"api/tasks?{string.Join('&', query)}";
        var tasks = new List<TaskDetails>();
        while (path is not null)
        {
            var (page, next) = await SendForPageAsync<List<TaskDetails>>(HttpMethod.Get, path, null, cancellationToken);
            tasks.AddRange(page);
            path = all ? next : null;
        }
        return tasks;
    }

    /// <summary>
    /// The target of a <c>Link: &lt;/api/tasks?...&gt;; rel="next"</c> header, relative to the Api's address (which
    /// may have a path of its own, behind a proxy); null on the last page.
    /// </summary>
    private static string? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
            return null;
        var next = links.FirstOrDefault(link => link.EndsWith("rel=\"next\"", StringComparison.Ordinal));
        return next is null ? null : next[1..next.IndexOf('>')].TrimStart('/');
    }

    public Task<TaskDetails> GetTaskAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<TaskDetails>(HttpMethod.Get, $"api/tasks/{id}", null, cancellationToken);

    public Task<TaskDetails> StopAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<TaskDetails>(HttpMethod.Delete, $"api/tasks/{id}", null, cancellationToken);

    public Task<TaskDetails> ReleaseVolumesAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<TaskDetails>(HttpMethod.Post, $"api/tasks/{id}/release-volumes", null, cancellationToken);

    /// <summary>A task's whole history, a page at a time.</summary>
    public async Task<List<TaskEventDetails>> EventsAsync(Guid id, CancellationToken cancellationToken)
    {
        var events = new List<TaskEventDetails>();
        while (true)
        {
            var after = events.Count == 0 ? "" : $"&after={events[^1].Sequence}";
            var page = await SendAsync<List<TaskEventDetails>>(
                HttpMethod.Get, $"api/tasks/{id}/events?limit={GetTaskEvents.DefaultLimit}{after}", null, cancellationToken);
            events.AddRange(page);
            if (page.Count < GetTaskEvents.DefaultLimit)
                return events;
        }
    }

    /// <summary>The newest audit entries, of one key and one kind and since a time when given (the Api checks them).</summary>
    public Task<List<AuditEntryDetails>> AuditAsync(string? key, string? kind, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        var query = new List<string> { $"limit={limit}" };
        if (key is not null)
            query.Add($"key={Uri.EscapeDataString(key)}");
        if (kind is not null)
            query.Add($"kind={Uri.EscapeDataString(kind)}");
        if (since is { } from)
            query.Add($"since={Uri.EscapeDataString(from.ToString("O"))}");
        return SendAsync<List<AuditEntryDetails>>(HttpMethod.Get, $"api/audit?{string.Join('&', query)}", null, cancellationToken);
    }

    public Task<List<NodeDetails>> ListNodesAsync(CancellationToken cancellationToken) =>
        SendAsync<List<NodeDetails>>(HttpMethod.Get, "api/nodes", null, cancellationToken);

    public Task<List<ServiceSummary>> ListServicesAsync(CancellationToken cancellationToken) =>
        SendAsync<List<ServiceSummary>>(HttpMethod.Get, "api/services", null, cancellationToken);

    public Task<List<ServiceInstance>> ServiceInstancesAsync(string service, bool all, CancellationToken cancellationToken) =>
        SendAsync<List<ServiceInstance>>(HttpMethod.Get, $"api/services/{Uri.EscapeDataString(service)}{(all ? "?all=true" : "")}", null, cancellationToken);

    public Task<NodeDetails> DrainAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<NodeDetails>(HttpMethod.Post, $"api/nodes/{id}/drain", null, cancellationToken);

    public Task<NodeDetails> ReadyAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<NodeDetails>(HttpMethod.Post, $"api/nodes/{id}/ready", null, cancellationToken);

    public Task<JobDetails> ApplyJobAsync(string name, string bodyJson, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Put, $"api/jobs/{Uri.EscapeDataString(name)}", new StringContent(bodyJson, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Scales the job, or its group <paramref name="group"/> when given.</summary>
    public Task<JobDetails> ScaleJobAsync(string name, string? group, int count, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Put,
            group is null
                ? $"api/jobs/{Uri.EscapeDataString(name)}/scale"
                : $"api/jobs/{Uri.EscapeDataString(name)}/groups/{Uri.EscapeDataString(group)}/scale",
            JsonContent.Create(new { count }), cancellationToken);

    public Task<JobRevisionList> JobRevisionsAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<JobRevisionList>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(name)}/revisions", null, cancellationToken);

    public Task<JobDetails> RestartJobAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(name)}/restart", null, cancellationToken);

    public Task<JobDetails> RevertJobAsync(string name, int revision, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(name)}/revert", JsonContent.Create(new { revision }), cancellationToken);

    public Task<JobDetails> PromoteJobAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(name)}/promote", null, cancellationToken);

    public Task<JobDetails> RunJobNowAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(name)}/run-now", null, cancellationToken);

    public Task<JobDetails> GetJobAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public Task<List<JobDetails>> ListJobsAsync(CancellationToken cancellationToken) =>
        SendAsync<List<JobDetails>>(HttpMethod.Get, "api/jobs", null, cancellationToken);

    public Task<JobDetails> DeleteJobAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<JobDetails>(HttpMethod.Delete, $"api/jobs/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public Task<List<VolumeDetails>> ListVolumesAsync(Guid nodeId, CancellationToken cancellationToken) =>
        SendAsync<List<VolumeDetails>>(HttpMethod.Get, $"api/nodes/{nodeId}/volumes", null, cancellationToken);

    /// <summary>Answered with no body (204); a refusal throws, naming who uses the volume.</summary>
    public async Task RemoveVolumeAsync(Guid nodeId, string name, CancellationToken cancellationToken)
    {
        using var response = await SendChangeAsync(HttpMethod.Delete, $"api/nodes/{nodeId}/volumes/{Uri.EscapeDataString(name)}", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Sets a secret's value, sent as base64 so that its bytes arrive as they are; whether it was new.</summary>
    public async Task<(SecretDetails Secret, bool Created)> SetSecretAsync(string name, byte[] value, CancellationToken cancellationToken)
    {
        var body = JsonContent.Create(new { valueBase64 = Convert.ToBase64String(value) });
        using var response = await SendChangeAsync(HttpMethod.Put, $"api/secrets/{Uri.EscapeDataString(name)}", body, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return ((await response.Content.ReadFromJsonAsync<SecretDetails>(Json, cancellationToken))!, response.StatusCode == HttpStatusCode.Created);
    }

    public Task<List<SecretDetails>> ListSecretsAsync(CancellationToken cancellationToken) =>
        SendAsync<List<SecretDetails>>(HttpMethod.Get, "api/secrets", null, cancellationToken);

    public Task<SecretDetails> DeleteSecretAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<SecretDetails>(HttpMethod.Delete, $"api/secrets/{Uri.EscapeDataString(name)}", null, cancellationToken);

    public Task<RegistryDetails> SetRegistryAsync(string server, string username, string password, CancellationToken cancellationToken) =>
        SendAsync<RegistryDetails>(HttpMethod.Put, $"api/registries/{Uri.EscapeDataString(server)}", JsonContent.Create(new { username, password }), cancellationToken);

    public Task<List<RegistryDetails>> ListRegistriesAsync(CancellationToken cancellationToken) =>
        SendAsync<List<RegistryDetails>>(HttpMethod.Get, "api/registries", null, cancellationToken);

    public Task<RegistryDetails> DeleteRegistryAsync(string server, CancellationToken cancellationToken) =>
        SendAsync<RegistryDetails>(HttpMethod.Delete, $"api/registries/{Uri.EscapeDataString(server)}", null, cancellationToken);

    /// <summary>Copies the task's logs to <paramref name="output"/>; with follow, until the task ends or the token fires.</summary>
    public async Task CopyLogsAsync(Guid id, int? tail, bool follow, TextWriter output, CancellationToken cancellationToken)
    {
        var query = $"api/tasks/{id}/logs?follow={(follow ? "true" : "false")}" + (tail is { } n ? $"&tail={n}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        using var response = await CallAsync(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken));
        await EnsureSuccessAsync(response, cancellationToken);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var buffer = new char[8192];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>A full id, or a prefix that matches exactly one task, as docker allows.</summary>
    public async Task<Guid> ResolveTaskIdAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrPrefix, out var id))
            return id;
        if (!ListTasks.IsIdPrefix(idOrPrefix))
            throw new CliException($"'{idOrPrefix}' is not a task id or a prefix of one (hex digits)");
        // Asked of the whole cluster, not of the newest tasks a listing returns.
        var tasks = await SendAsync<List<TaskDetails>>(
            HttpMethod.Get, $"api/tasks?idPrefix={Uri.EscapeDataString(idOrPrefix)}&limit=6", null, cancellationToken);
        return Unique(idOrPrefix, "task", tasks.Select(t => (t.Id, t.Name)).ToList());
    }

    /// <summary>A node's id, a unique id prefix, or its name.</summary>
    public async Task<Guid> ResolveNodeIdAsync(string nameOrId, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(nameOrId, out var id))
            return id;
        var nodes = await ListNodesAsync(cancellationToken);
        var byName = nodes.Where(n => n.Name == nameOrId).ToList();
        return byName.Count == 1 ? byName[0].Id : Unique(nameOrId, "node", nodes.Select(n => (n.Id, n.Name)).ToList());
    }

    private static Guid Unique(string prefix, string kind, IReadOnlyList<(Guid Id, string Name)> candidates)
    {
        var matches = candidates.Where(c => c.Id.ToString("N").StartsWith(prefix.Replace("-", ""), StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0].Id,
            0 => throw new CliException($"no {kind} matches '{prefix}'"),
            _ => throw new CliException($"'{prefix}' matches {(matches.Count > 5 ? "more than 5" : matches.Count)} {kind}s ({string.Join(", ", matches.Take(5).Select(m => m.Name))}); give more of the id"),
        };
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) =>
        (await SendForPageAsync<T>(method, path, content, cancellationToken)).Body;

    /// <summary>
    /// The answer's body, and the path of the next page when the Api's Link header names one. A read (GET) that gets
    /// 503 (the database is failing over, say) or loses its connection is sent again, after 1, 2, 4 and 8 s (or the
    /// answer's Retry-After): it changes nothing, so repeating it is always safe. A change is sent with an idempotency
    /// key (<see cref="SendChangeAsync"/>), which makes repeating it safe too.
    /// </summary>
    private async Task<(T Body, string? NextPage)> SendForPageAsync<T>(
        HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = method == HttpMethod.Get
            ? await SendRetryingAsync(() => new HttpRequestMessage(method, path), ReadAttempts, retrying: null, cancellationToken)
            : await SendChangeAsync(method, path, content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return ((await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!, NextPage(response));
    }

    private async Task<HttpResponseMessage> CallAsync(Func<Task<HttpResponseMessage>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException error)
        {
            throw CannotReach(error);
        }
        catch (TaskCanceledException)
        {
            throw new CliException($"the Api at {BaseAddress} did not answer in time");
        }
    }

    private CliException CannotReach(HttpRequestException error) =>
        new($"cannot reach the Api at {BaseAddress}: {error.Message} (set --api or ORCHESTRATOR_API)");

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new CliException(http.DefaultRequestHeaders.Authorization is null
                ? "the Api needs an API key (set --api-key or ORCHESTRATOR_API_KEY)"
                : "the Api refused the API key (check --api-key or ORCHESTRATOR_API_KEY)");
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new CliException("the API key may only read; running, stopping, jobs and draining need one of the Api's Api:Keys");
        var problem = await ReadProblemAsync(response, cancellationToken);
        throw response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new CliException($"invalid request: {problem}"),
            HttpStatusCode.NotFound => new CliException(problem),
            _ => new CliException($"the Api answered {(int)response.StatusCode}: {problem}"),
        };
    }

    /// <summary>"title: detail", or for a validation problem each field with its messages.</summary>
    private static async Task<string> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = document.RootElement;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                return string.Join("; ", errors.EnumerateObject().Select(field =>
                    $"{field.Name}: {string.Join(" ", field.Value.EnumerateArray().Select(m => m.GetString()))}"));
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return detail ?? title ?? response.ReasonPhrase ?? "no details";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "no details";
        }
    }
}
