using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>The operator's cluster policy (<c>Api:Policy</c>): a task or job that breaks it gets 403 naming the rule, and nothing is recorded.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiPolicyTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_task_or_job_the_policy_does_not_allow_gets_403_naming_the_rule_and_records_nothing()
    {
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["Api:Policy:AllowedImages:0"] = "docker.io/orchestrator/",
            ["Api:Policy:MaxCpu"] = "1",
        };
        await using var api = InProcessServices.Api(configuration, ServiceHosts.Settings);
        await api.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(api.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ApiKey);
        var prefix = $"policy-{Guid.NewGuid():N}"[..20];

        using var foreign = await client.PostAsJsonAsync("/api/tasks", new { name = $"{prefix}-image", image = "nginx:1.27" });
        await AssertRefusedAsync(foreign, "Api:Policy:AllowedImages", "docker.io/library/nginx");
        using var large = await client.PostAsJsonAsync("/api/tasks",
            new { name = $"{prefix}-cpu", image = TestImages.Workload, command = new[] { "sleep", "60" }, resources = new { cpu = 2 } });
        await AssertRefusedAsync(large, "Api:Policy:MaxCpu", "2 CPU");
        using var job = await client.PutAsJsonAsync($"/api/jobs/{prefix}-job", new { count = 1, task = new { image = "nginx:1.27" } });
        await AssertRefusedAsync(job, "Api:Policy:AllowedImages", "(task)");

        using var allowed = await client.PostAsJsonAsync("/api/tasks",
            new { name = $"{prefix}-ok", image = TestImages.Workload, command = new[] { "sleep", "60" }, resources = new { cpu = 0.5 } });
        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        var task = (await allowed.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json))!;

        var recorded = (await client.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?limit={ListTasks.MaxLimit}", ClusterFixtureBase.Json))!
            .Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t.Name).ToList();
        Assert.Equal([$"{prefix}-ok"], recorded);
        using var noJob = await client.GetAsync($"/api/jobs/{prefix}-job");
        Assert.Equal(HttpStatusCode.NotFound, noJob.StatusCode);
        await cluster.StopAllAsync([task.Id]);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string rule, string detail)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(rule, problem.RootElement.GetProperty("rule").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("The cluster's policy does not allow this task.", problem.RootElement.GetProperty("title").GetString());
    }
}
