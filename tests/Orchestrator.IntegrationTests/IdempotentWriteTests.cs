using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// Every write takes an Idempotency-Key: a repeat of the same request is given the first answer and changes nothing,
/// the same key with another request gets 422 and changes nothing. On a real StateStore, database and broker.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdempotentWriteTests(ClusterFixture cluster)
{
    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string? key)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await cluster.Api.SendAsync(request);
    }

    private async Task<JobDetails> JobAsync(string name) =>
        (await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{name}", ClusterFixture.Json))!;

    [Fact]
    public async Task A_restart_repeated_with_its_key_restarts_once_and_answers_the_same()
    {
        var name = NewName("idem-restart");
        using (var applied = await SendAsync(HttpMethod.Put, $"/api/jobs/{name}", new { count = 0, task = new { image = TestImages.Workload } }, key: null))
            Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        var key = $"restart-{Guid.NewGuid():N}";

        using var first = await SendAsync(HttpMethod.Post, $"/api/jobs/{name}/restart", null, key);
        using var again = await SendAsync(HttpMethod.Post, $"/api/jobs/{name}/restart", null, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answered = (await first.Content.ReadFromJsonAsync<JobDetails>(ClusterFixture.Json))!;
        Assert.Equal(answered.Revision, (await again.Content.ReadFromJsonAsync<JobDetails>(ClusterFixture.Json))!.Revision);
        Assert.Equal(2, answered.Revision);
        Assert.Equal(2, (await JobAsync(name)).Revision);
        var restarts = await AuditAsync("RestartJob", $"job/{name}");
        Assert.Single(restarts);

        // A new key is a new request.
        using var another = await SendAsync(HttpMethod.Post, $"/api/jobs/{name}/restart", null, $"restart-{Guid.NewGuid():N}");
        Assert.Equal(3, (await JobAsync(name)).Revision);
        await SendAsync(HttpMethod.Delete, $"/api/jobs/{name}", null, key: null);
    }

    [Fact]
    public async Task A_key_used_again_for_another_body_gets_422_naming_the_header_and_changes_nothing()
    {
        var name = NewName("idem-scale");
        using (var applied = await SendAsync(HttpMethod.Put, $"/api/jobs/{name}", new { count = 0, task = new { image = TestImages.Workload } }, key: null))
            Assert.True(applied.IsSuccessStatusCode, await applied.Content.ReadAsStringAsync());
        var key = $"scale-{Guid.NewGuid():N}";
        using (var scaled = await SendAsync(HttpMethod.Put, $"/api/jobs/{name}/scale", new { count = 0 }, key))
            Assert.Equal(HttpStatusCode.OK, scaled.StatusCode);

        using var other = await SendAsync(HttpMethod.Put, $"/api/jobs/{name}/scale", new { count = 1 }, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", await other.Content.ReadAsStringAsync());
        Assert.Equal(0, (await JobAsync(name)).Count);
        Assert.Single(await AuditAsync("ScaleJob", $"job/{name}"));
        // A refusal of what the request asks is no fault of StateStore's: once the request has left its queue (the
        // requester hears of the fault before the message is done with), nothing is parked in the error queue.
        await ClusterFixture.WaitUntilAsync(async () => await cluster.QueueDepthAsync("existing-job") == 0);
        Assert.Equal(0, await cluster.QueueDepthAsync("existing-job_error"));
        await SendAsync(HttpMethod.Delete, $"/api/jobs/{name}", null, key: null);
    }

    [Fact]
    public async Task A_secret_set_twice_with_one_key_has_one_version_and_its_fingerprint_is_not_kept_in_the_clear()
    {
        var name = NewName("idem-secret");
        var key = $"secret-{Guid.NewGuid():N}";
        var body = new { value = $"short-{Guid.NewGuid():N}"[..10] };

        using var first = await SendAsync(HttpMethod.Put, $"/api/secrets/{name}", body, key);
        using var again = await SendAsync(HttpMethod.Put, $"/api/secrets/{name}", body, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var secret = await cluster.Api.GetFromJsonAsync<SecretDetails>($"/api/secrets/{name}", ClusterFixture.Json);
        Assert.Equal(1, secret!.Version);

        // The ledger's row for it holds no bare hash of the request, which for a short value could be guessed.
        var bare = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"PUT /api/secrets/{name}\n{await JsonContent.Create(body).ReadAsStringAsync()}")));
        var dump = await cluster.DumpDatabaseAsync();
        Assert.Contains(key, dump);
        Assert.DoesNotContain(bare, dump, StringComparison.OrdinalIgnoreCase);

        using var other = await SendAsync(HttpMethod.Put, $"/api/secrets/{name}", new { value = "another-value" }, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        secret = await cluster.Api.GetFromJsonAsync<SecretDetails>($"/api/secrets/{name}", ClusterFixture.Json);
        Assert.Equal(1, secret!.Version);
        await SendAsync(HttpMethod.Delete, $"/api/secrets/{name}", null, key: null);
    }

    [Fact]
    public async Task A_stop_repeated_with_its_key_answers_the_same_and_records_one_change()
    {
        var task = await cluster.SubmitAsync(new { name = NewName("idem-stop"), image = TestImages.Workload, resources = new { cpu = 256 } });
        var key = $"stop-{Guid.NewGuid():N}";

        using var first = await SendAsync(HttpMethod.Delete, $"/api/tasks/{task.Id}", null, key);
        using var again = await SendAsync(HttpMethod.Delete, $"/api/tasks/{task.Id}", null, key);

        Assert.Equal(first.StatusCode, again.StatusCode);
        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Single(await AuditAsync("CancelTask", $"task/{task.Id}"));
    }

    [Fact]
    public async Task An_unusable_key_on_any_write_gets_400_naming_the_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/nodes/{Guid.NewGuid()}/drain");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "has space");

        using var response = await cluster.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
    }

    private async Task<List<AuditEntryDetails>> AuditAsync(string kind, string subject)
    {
        var entries = (await cluster.Api.GetFromJsonAsync<List<AuditEntryDetails>>($"/api/audit?kind={kind}&limit=1000", ClusterFixture.Json))!;
        return entries.Where(e => e.Subject == subject).ToList();
    }
}
