using System.Net;
using Orchestrator.Cli.Client;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The CLI sends a read again after a 503, as a database failover answers for a few seconds, and sends a change once.
/// The Api is a stand-in here: what is under test is the client's rule, not the cluster.
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
    public async Task A_change_answered_503_is_sent_once_and_reported()
    {
        var api = new ScriptedApi(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var client = new OrchestratorClient(new HttpClient(api) { BaseAddress = new Uri("http://api.test/") });

        await Assert.ThrowsAsync<CliException>(() => client.StopAsync(Guid.NewGuid(), CancellationToken.None));

        Assert.Equal(1, api.Requests);
    }

    /// <summary>Answers each request with the next status of its script, the last one for good; a 200 carries an empty list.</summary>
    private sealed class ScriptedApi(params HttpStatusCode[] answers) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var status = answers[Math.Min(Requests++, answers.Length - 1)];
            var response = new HttpResponseMessage(status)
            {
                Content = status == HttpStatusCode.OK
                    ? new StringContent("[]", System.Text.Encoding.UTF8, "application/json")
                    : new StringContent("""{"title":"The Api cannot reach the database.","status":503}""", System.Text.Encoding.UTF8, "application/problem+json"),
            };
            // Retry-After of zero: the client's own back-off is not what this test waits for.
            if (status == HttpStatusCode.ServiceUnavailable)
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return Task.FromResult(response);
        }
    }
}
