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

        // Ten submissions at once against a bucket of three that refills one a second: some must be refused.
        var prefix = $"rate-{Guid.NewGuid():N}"[..20];
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            var name = $"{prefix}-{i}";
            var response = await writer.PostAsJsonAsync("/api/tasks", new { name, image = TestImages.Workload, command = new[] { "sleep", "60" } });
            return (Name: name, Response: response);
        }));
        using var other = await viewer.GetAsync("/api/nodes");

        var accepted = answers.Where(a => a.Response.StatusCode == HttpStatusCode.Accepted).Select(a => a.Name).ToHashSet();
        var refused = answers.Where(a => a.Response.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(accepted.Count >= 3 && refused.Count >= 1 && accepted.Count + refused.Count == 10,
            string.Join(", ", answers.Select(a => (int)a.Response.StatusCode)));
        foreach (var (_, response) in refused)
        {
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Too many requests from API key 'tests'.", problem.RootElement.GetProperty("title").GetString());
        }
        // Another key has a bucket of its own.
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        // Only what was accepted was recorded.
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?limit={ListTasks.MaxLimit}", ApiClient.Json);
        var recorded = tasks!.Where(task => task.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(accepted.Order(), recorded.Select(task => task.Name).Order());
        foreach (var (_, response) in answers)
            response.Dispose();
        await cluster.StopAllAsync(recorded.Select(task => task.Id));
    }

    private static HttpClient Client(Microsoft.AspNetCore.Builder.WebApplication api, string key) =>
        new() { BaseAddress = new Uri(api.Urls.First()), DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
}
