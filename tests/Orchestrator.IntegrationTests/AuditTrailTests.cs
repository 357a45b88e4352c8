using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests;

/// <summary>Every change asked for through the Api is in the audit trail with its key's name and address, and in the task's history.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AuditTrailTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Every_change_is_recorded_with_its_key_and_address_and_a_refused_one_is_not()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = $"audit-{Guid.NewGuid():N}"[..20];
        var task = await cluster.SubmitAsync(new { name, image = TestImages.Workload, command = new[] { "sleep", "60" } });
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        using var viewer = new HttpClient { BaseAddress = cluster.Api.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ReadOnlyApiKey);
        using (var refused = await viewer.DeleteAsync($"/api/tasks/{task.Id}"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await cluster.StopAndWaitAsync(task.Id);
        using (var applied = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}", new { count = 0, task = new { image = TestImages.Workload } }))
            Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        using (var deleted = await cluster.Api.DeleteAsync($"/api/jobs/{name}"))
            Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());

        // Read with the key that may only read: the trail is for anyone who may read what changed.
        var entries = (await viewer.GetFromJsonAsync<List<AuditEntryDetails>>(
            $"/api/audit?since={Uri.EscapeDataString(since.ToString("O"))}", ClusterFixtureBase.Json))!;
        var mine = entries.Where(e => e.Subject == $"task/{task.Id}" || e.Subject == $"job/{name}").OrderBy(e => e.Sequence).ToList();
        Assert.Equal(["SubmitTask", "CancelTask", "ApplyJob", "DeleteJob"], mine.Select(e => e.Kind));
        Assert.All(mine, e =>
        {
            Assert.Equal("tests", e.Key);
            Assert.Equal("127.0.0.1", e.Address);
        });
        Assert.DoesNotContain(entries, e => e.Key == "viewer");

        // Filtered by kind and key, and paged.
        using var page = await viewer.GetAsync($"/api/audit?key=tests&kind=CancelTask&limit=1");
        var first = Assert.Single((await page.Content.ReadFromJsonAsync<List<AuditEntryDetails>>(ClusterFixtureBase.Json))!);
        Assert.Equal(("tests", "CancelTask"), (first.Key, first.Kind));
        Assert.Contains($"before={first.Sequence}", page.Headers.GetValues("Link").Single());

        // The task's own history says which key submitted it, and that its placement, start and end were the cluster's doing.
        var events = await cluster.EventsAsync(task.Id);
        Assert.Equal((TaskState.Pending, "tests"), (events[0].State, events[0].Caller));
        Assert.All(events.Skip(1), e => Assert.Null(e.Caller));
    }

    [Fact]
    public async Task A_bad_audit_query_gets_400_naming_the_field()
    {
        using var response = await cluster.Api.GetAsync("/api/audit?limit=0&since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"limit\"", body);
        Assert.Contains("\"until\"", body);
    }
}
