using System.Net;
using Orchestrator.Cli.Client;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The CLI sends a read again after a 503, as a database failover answers for a few seconds, and a change again with
/// the same Idempotency-Key. The Api is a stand-in here: what is under test is the client's rule, not the cluster
/// (<c>IdempotentWriteTests</c> show the Api applying such a repeat once).
/// </summary>
public sealed class CliRetryTests
{
    [Fact]
    public async Task A_read_answered_503_is_sent_again_until_it_is_answered()
    {
        var api = new ScriptedApi(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var client = new OrchestratorClient(new HttpClient(api) { BaseAddress = new Uri("http://api.test/") });

        var nodes = await client.ListNodesAsync(CancellationToken.None);

        Assert.Empty(nodes);
        Assert.Equal(3, api.Requests);
    }

    [Fact]
    public async Task A_change_answered_503_is_sent_again_with_the_same_idempotency_key_and_body()
    {
        var api = new ScriptedApi(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var retries = new List<string>();
        var client = new OrchestratorClient(new HttpClient(api) { BaseAddress = new Uri("http://api.test/") }, retries.Add);

        await client.SetSecretAsync("db-password", [1, 2, 3], CancellationToken.None);

        Assert.Equal(3, api.Requests);
        var key = Assert.Single(api.Keys.Distinct());
        Assert.False(string.IsNullOrEmpty(key));
        Assert.All(api.Bodies, body => Assert.Equal("""{"valueBase64":"AQID"}""", body));
        Assert.Equal(2, retries.Count);
    }

    [Fact]
    public async Task Two_changes_are_sent_with_two_keys()
    {
        var api = new ScriptedApi(HttpStatusCode.OK);
        var client = new OrchestratorClient(new HttpClient(api) { BaseAddress = new Uri("http://api.test/") });

        await client.RemoveVolumeAsync(Guid.NewGuid(), "data", CancellationToken.None);
        await client.RemoveVolumeAsync(Guid.NewGuid(), "data", CancellationToken.None);

        Assert.Equal(2, api.Keys.Distinct().Count());
    }

    [Fact]
    public async Task A_change_refused_with_a_client_error_is_not_sent_again()
    {
        var api = new ScriptedApi(HttpStatusCode.UnprocessableEntity, HttpStatusCode.OK);
        var client = new OrchestratorClient(new HttpClient(api) { BaseAddress = new Uri("http://api.test/") });

        await Assert.ThrowsAsync<CliException>(() => client.StopAsync(Guid.NewGuid(), CancellationToken.None));

        Assert.Equal(1, api.Requests);
    }

    /// <summary>Answers each request with the next status of its script, the last one for good; a 200 carries an empty list.</summary>
    private sealed class ScriptedApi(params HttpStatusCode[] answers) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        public List<string?> Keys { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            var status = answers[Math.Min(Requests++, answers.Length - 1)];
            var response = new HttpResponseMessage(status)
            {
                Content = status == HttpStatusCode.OK
                    ? new StringContent(request.Method == HttpMethod.Get ? "[]" : "{}", System.Text.Encoding.UTF8, "application/json")
                    : new StringContent("""{"title":"The Api cannot reach the database.","status":503}""", System.Text.Encoding.UTF8, "application/problem+json"),
            };
            // Retry-After of zero: the client's own back-off is not what this test waits for.
            if (status == HttpStatusCode.ServiceUnavailable)
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return response;
        }
    }
}
