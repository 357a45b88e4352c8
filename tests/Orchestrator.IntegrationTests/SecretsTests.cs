using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// Secrets through the Api, on a real StateStore, database and broker: a value goes in and never comes back out,
/// is kept only encrypted, and a spec that names a secret that does not exist is refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SecretsTests(ClusterFixture cluster)
{
    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private Task<HttpResponseMessage> PutAsync(string name, object body) => cluster.Api.PutAsJsonAsync($"/api/secrets/{name}", body);

    [Fact]
    public async Task A_secret_is_created_replaced_listed_and_removed_and_no_read_shows_its_value()
    {
        var name = NewName("db-password");
        var marker = $"marker-{Guid.NewGuid():N}";

        var created = await PutAsync(name, new { value = marker });
        var replaced = await PutAsync(name, new { valueBase64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(marker + "-2")) });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var details = await cluster.Api.GetFromJsonAsync<SecretDetails>($"/api/secrets/{name}", ClusterFixture.Json);
        Assert.Equal((name, 2), (details!.Name, details.Version));
        Assert.NotNull(details.UpdatedAt);
        Assert.Empty(details.UsedByTasks!);

        var reads = new[]
        {
            await created.Content.ReadAsStringAsync(),
            await replaced.Content.ReadAsStringAsync(),
            await cluster.Api.GetStringAsync("/api/secrets"),
            await cluster.Api.GetStringAsync($"/api/secrets/{name}"),
        };
        Assert.All(reads, read => Assert.DoesNotContain(marker, read));

        var removed = await cluster.Api.DeleteAsync($"/api/secrets/{name}");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/secrets/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.DeleteAsync($"/api/secrets/{name}")).StatusCode);
    }

    [Fact]
    public async Task A_read_only_key_sees_secret_names_only_and_may_not_set_one()
    {
        var name = NewName("viewer-sees");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(name, new { value = "hidden" })).StatusCode);
        using var viewer = new HttpClient { BaseAddress = cluster.Api.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ReadOnlyApiKey);

        var listed = await viewer.GetFromJsonAsync<List<SecretDetails>>("/api/secrets", ClusterFixture.Json);
        var set = await viewer.PutAsJsonAsync($"/api/secrets/{name}", new { value = "changed" });

        var seen = Assert.Single(listed!, s => s.Name == name);
        Assert.Equal(new SecretDetails(name, null, null, null, null, null), seen);
        Assert.Equal(HttpStatusCode.Forbidden, set.StatusCode);
        var kept = await cluster.Api.GetFromJsonAsync<SecretDetails>($"/api/secrets/{name}", ClusterFixture.Json);
        Assert.Equal(1, kept!.Version);
        await cluster.Api.DeleteAsync($"/api/secrets/{name}");
    }

    [Theory]
    [InlineData("bad/name", """{"value":"x"}""", "name")]
    [InlineData("ok-name", """{}""", "value")]
    [InlineData("ok-name", """{"value":"x","valueBase64":"eA=="}""", "value")]
    [InlineData("ok-name", """{"valueBase64":"not base64!"}""", "valueBase64")]
    [InlineData("ok-name", """{"value":"x","extra":1}""", "extra")]
    public async Task A_bad_secret_is_a_400_naming_the_field_and_nothing_is_stored(string name, string body, string field)
    {
        var response = await cluster.Api.PutAsync($"/api/secrets/{Uri.EscapeDataString(name)}", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        var secrets = await cluster.Api.GetFromJsonAsync<List<SecretDetails>>("/api/secrets", ClusterFixture.Json);
        Assert.DoesNotContain(secrets!, s => s.Name == name);
    }

    [Fact]
    public async Task A_task_or_job_naming_a_secret_that_does_not_exist_is_a_400_naming_the_field_and_nothing_is_recorded()
    {
        var name = NewName("no-secret-task");
        var spec = new
        {
            name,
            image = TestImages.Workload,
            secrets = new[] { new { name = "never-set" } },
            secretEnv = new Dictionary<string, string> { ["TOKEN"] = "never-set-either" },
        };

        var task = await cluster.Api.PostAsJsonAsync("/api/tasks", spec);
        var job = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}", new
        {
            count = 1,
            task = new { image = TestImages.Workload, secrets = spec.secrets, secretEnv = spec.secretEnv },
        });

        Assert.Equal(HttpStatusCode.BadRequest, task.StatusCode);
        using (var problem = JsonDocument.Parse(await task.Content.ReadAsStringAsync()))
        {
            var errors = problem.RootElement.GetProperty("errors");
            Assert.Contains("never-set", errors.GetProperty("secrets[0].name")[0].GetString());
            Assert.Contains("never-set-either", errors.GetProperty("secretEnv.TOKEN")[0].GetString());
        }
        Assert.Equal(HttpStatusCode.BadRequest, job.StatusCode);
        using (var problem = JsonDocument.Parse(await job.Content.ReadAsStringAsync()))
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("task.secrets[0].name", out _));
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixture.Json);
        Assert.DoesNotContain(tasks!, t => t.Name == name);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/jobs/{name}")).StatusCode);
    }

    [Fact]
    public async Task A_secret_a_live_task_uses_cannot_be_removed_until_the_task_ends()
    {
        var name = NewName("in-use");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(name, new { value = "v" })).StatusCode);
        var task = await cluster.SubmitAsync(new
        {
            name = "uses-a-secret",
            image = TestImages.Workload,
            command = new[] { "sleep", "300" },
            secretEnv = new Dictionary<string, string> { ["TOKEN"] = name },
            init = true,
            stopTimeoutSeconds = 1,
        });

        var refused = await cluster.Api.DeleteAsync($"/api/secrets/{name}");
        var listed = await cluster.Api.GetFromJsonAsync<SecretDetails>($"/api/secrets/{name}", ClusterFixture.Json);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("1 live task", await refused.Content.ReadAsStringAsync());
        Assert.Equal([task.Id], listed!.UsedByTasks);
        await cluster.StopAndWaitAsync(task.Id);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Api.DeleteAsync($"/api/secrets/{name}")).StatusCode);
    }

    [Fact]
    public async Task The_database_holds_a_secret_only_encrypted_under_a_key_ring_the_operators_key_encrypts()
    {
        var name = NewName("at-rest");
        var marker = $"marker-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(name, new { value = marker })).StatusCode);

        var dump = await cluster.DumpDatabaseAsync();

        Assert.Contains(name, dump);
        Assert.DoesNotContain(marker, dump);
        // A bytea column is dumped as hex: the value's bytes must not be there either.
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(marker)), dump);
        // Data Protection's keys are stored, each sealed with the operator's key rather than as a readable master key.
        Assert.Contains("encryptedWithOperatorKey", dump);
        Assert.DoesNotContain("<masterKey", dump);
        await cluster.Api.DeleteAsync($"/api/secrets/{name}");
    }

    [Fact]
    public async Task A_new_value_rolls_out_the_job_that_uses_the_secret_and_its_new_task_reads_the_new_value()
    {
        var secret = NewName("rotated");
        var job = NewName("rotates");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(secret, new { value = "first value" })).StatusCode);
        try
        {
            var applied = await cluster.Api.PutAsJsonAsync($"/api/jobs/{job}", new
            {
                count = 1,
                task = new
                {
                    image = TestImages.Workload,
                    command = new[] { "sh", "-c", "printf %s \"$TOKEN\" | sha256sum; exec sleep 300" },
                    secretEnv = new Dictionary<string, string> { ["TOKEN"] = secret },
                    init = true,
                    stopTimeoutSeconds = 1,
                },
            });
            Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
            var first = (await WaitForJobAsync(job, j => j.Running == 1)).Tasks.Single();
            await cluster.WaitForLogAsync(first.Id, Sha256("first value"));

            Assert.Equal(HttpStatusCode.OK, (await PutAsync(secret, new { value = "second value" })).StatusCode);

            var rolled = await WaitForJobAsync(job, j => j.Revision == 2 && j.Running == 1 && j.Tasks.All(t => t.Revision == 2));
            var second = rolled.Tasks.Single();
            await cluster.WaitForLogAsync(second.Id, Sha256("second value"));
            var events = await cluster.EventsAsync(first.Id);
            Assert.Contains(events, e => e.Reason.Contains($"because secret {secret} changed to version 2"));
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/jobs/{job}");
            await Poll.UntilAsync(async () => (await cluster.Api.DeleteAsync($"/api/secrets/{secret}")).StatusCode != HttpStatusCode.Conflict);
        }
    }

    [Fact]
    public async Task A_secret_a_task_reads_as_a_file_and_a_variable_is_found_nowhere_a_user_or_an_attacker_could_look()
    {
        using var spans = new SpanCollector();
        var name = NewName("marker");
        var marker = $"marker-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(name, new { value = marker })).StatusCode);
        var task = await cluster.SubmitAsync(new
        {
            name = "reads-a-secret",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", $"echo \"file $(sha256sum < /run/secrets/{name})\"; echo \"env $(printf %s \"$TOKEN\" | sha256sum)\"; exec sleep 300" },
            secrets = new[] { new { name } },
            secretEnv = new Dictionary<string, string> { ["TOKEN"] = name },
            init = true,
            stopTimeoutSeconds = 1,
        });
        var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        // The task read the value both ways.
        await cluster.WaitForLogAsync(task.Id, $"file {Sha256(marker)}");
        await cluster.WaitForLogAsync(task.Id, $"env {Sha256(marker)}");

        // Every read of the Api, with the admin key and with a read-only one.
        using var viewer = new HttpClient { BaseAddress = cluster.Api.BaseAddress };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ReadOnlyApiKey);
        string[] reads =
        [
            "/api/tasks", $"/api/tasks/{task.Id}", $"/api/tasks/{task.Id}/events", $"/api/tasks/{task.Id}/logs",
            "/api/secrets", $"/api/secrets/{name}", "/api/jobs", "/api/nodes",
        ];
        foreach (var client in new[] { cluster.Api, viewer })
            foreach (var read in reads)
                Assert.DoesNotContain(marker, await client.GetStringAsync(read));

        // The database, as a dump shows it, the broker's disk, and every message waiting in a queue.
        var dump = await cluster.DumpDatabaseAsync();
        Assert.DoesNotContain(marker, dump);
        Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(marker)), dump);
        Assert.Equal("", await cluster.BrokerFilesContainingAsync(marker));
        Assert.Empty(await cluster.QueuesWithMessagesContainingAsync(marker));

        // The engine: the variable's value is in the container's configuration (as documented), and nowhere else.
        var inspected = await cluster.Docker.Containers.InspectContainerAsync(running.ContainerId!);
        var json = JsonSerializer.Serialize(inspected);
        Assert.Equal([$"TOKEN={marker}"], inspected.Config.Env.Where(variable => variable.Contains(marker)));
        Assert.Equal(1, json.Split(marker).Length - 1);

        // What the services logged and the spans they made.
        Assert.DoesNotContain(LogRecorder.Entries, entry =>
            entry.Message.Contains(marker) || entry.Scopes.Values.Any(value => value?.ToString()?.Contains(marker) == true));
        Assert.DoesNotContain(spans.Spans, span =>
            span.DisplayName.Contains(marker)
            || span.TagObjects.Any(tag => tag.Value?.ToString()?.Contains(marker) == true)
            || span.Events.Any(e => e.Name.Contains(marker) || e.Tags.Any(tag => tag.Value?.ToString()?.Contains(marker) == true)));

        await cluster.StopAndWaitAsync(task.Id);
        await cluster.Api.DeleteAsync($"/api/secrets/{name}");
    }

    private static string Sha256(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private async Task<JobDetails> WaitForJobAsync(string name, Func<JobDetails, bool> condition)
    {
        JobDetails? job = null;
        await Poll.UntilAsync(async () =>
            (job = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{name}", ClusterFixture.Json)) is { } seen && condition(seen));
        return job!;
    }
}
