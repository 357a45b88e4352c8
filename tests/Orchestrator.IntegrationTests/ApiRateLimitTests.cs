using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>Each API key has its own rate limit (<c>Api:RateLimit</c>): past it, 429 with Retry-After, and nothing changed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiRateLimitTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_key_past_its_limit_gets_429_with_Retry_After_and_changes_nothing_while_another_key_goes_on()
    {
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["Api:RateLimit:RequestsPerSecond"] = "1",
            ["Api:RateLimit:Burst"] = "3",
        };
        await using var api = InProcessServices.Api(configuration, ServiceHosts.Settings);
        await api.StartAsync();
        using var writer = Client(api, ClusterFixtureBase.ApiKey);
        using var viewer = Client(api, ClusterFixtureBase.ReadOnlyApiKey);

        // The bucket holds 3 and refills 1 a second, so a key that keeps asking is refused within a few requests.
        var answers = new List<HttpStatusCode>();
        while (answers.Count < 20 && !answers.Contains(HttpStatusCode.TooManyRequests))
        {
            using var nodes = await writer.GetAsync("/api/nodes");
            answers.Add(nodes.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], answers.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);

        var name = $"rate-limited-{Guid.NewGuid():N}"[..30];
        using var refused = await writer.PostAsJsonAsync("/api/tasks", new { name, image = TestImages.Workload, command = new[] { "sleep", "60" } });
        using var other = await viewer.GetAsync("/api/nodes");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Too many requests from API key 'tests'.", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?limit={ListTasks.MaxLimit}", ApiClient.Json);
        Assert.DoesNotContain(tasks!, task => task.Name == name);
    }

    private static HttpClient Client(Microsoft.AspNetCore.Builder.WebApplication api, string key) =>
        new() { BaseAddress = new Uri(api.Urls.First()), DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
}
