using System.Net;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Web.Api;

namespace Orchestrator.Web.Tests;

/// <summary>
/// A stand-in for the Api in component tests: answers by method and path from a script, and keeps each request it
/// got. What is under test is a page's logic (what it shows, which buttons, what it sends), not the cluster: the
/// browser check against the running system covers that (deploy/local/check-web.sh).
/// </summary>
public sealed class ScriptedApi : HttpMessageHandler
{
    private readonly Dictionary<string, (HttpStatusCode Status, string Body)> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);

    public List<(HttpMethod Method, string Path, string? IdempotencyKey, string? Body)> Requests { get; } = [];

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> (with its query, if it has one) with <paramref name="body"/> as JSON.</summary>
    public ScriptedApi Answer(HttpMethod method, string path, object body, HttpStatusCode status = HttpStatusCode.OK)
    {
        _answers[$"{method} {path}"] = (status, body as string ?? JsonSerializer.Serialize(body, OrchestratorApi.Json));
        return this;
    }

    /// <summary>Answers GET on <paramref name="path"/> with a body the test writes to as it goes, as the Api streams a followed log.</summary>
    public ScriptedApi Stream(string path, Stream body)
    {
        _streams[$"{HttpMethod.Get} {path}"] = body;
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.PathAndQuery;
        Requests.Add((request.Method, path, request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
            request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
        if (_streams.TryGetValue($"{request.Method} {path}", out var stream))
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) };
        var found = _answers.TryGetValue($"{request.Method} {path}", out var answer)
            || _answers.TryGetValue($"{request.Method} {path.Split('?')[0]}", out answer);
        if (!found)
            answer = (HttpStatusCode.NotFound, """{"title":"Not in the script."}""");
        return new HttpResponseMessage(answer.Status)
        {
            Content = new StringContent(answer.Body, Encoding.UTF8, (int)answer.Status < 400 ? "application/json" : "application/problem+json"),
        };
    }

    /// <summary>Registers the UI's client to the Api over this script, for a signed-in person with the given roles.</summary>
    public void Register(BunitContext context, string user, params string[] roles) => Register(context, user, dashboard: null, roles);

    public void Register(BunitContext context, string user, Uri? dashboard, params string[] roles)
    {
        var auth = context.AddAuthorization();
        auth.SetAuthorized(user);
        auth.SetRoles(roles);
        var options = Options.Create(new WebOptions { Api = new Uri("http://api.test/"), RefreshInterval = TimeSpan.FromMinutes(5), Dashboard = dashboard });
        context.Services.AddSingleton<IOptions<WebOptions>>(options);
        context.Services.AddScoped(services => new OrchestratorApi(
            new HttpClient(this) { BaseAddress = options.Value.Api }, services.GetRequiredService<AuthenticationStateProvider>(), options));
        // As a page is once its circuit is up; the refresh interval is long enough that no test sees a timer's tick.
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }
}
