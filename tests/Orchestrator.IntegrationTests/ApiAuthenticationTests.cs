using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>The Api runs containers on every node, so everything under /api needs one of its keys.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiAuthenticationTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_submission_without_a_valid_key_gets_401_problem_details_and_records_nothing()
    {
        var name = $"unauthorized-{Guid.NewGuid():N}"[..30];
        using var anonymous = Client();
        using var wrongKey = Client(new AuthenticationHeaderValue("Bearer", "not-the-key-at-all"));

        using var missing = await anonymous.PostAsJsonAsync("/api/tasks", new { name, image = TestImages.Workload });
        using var refused = await wrongKey.PostAsJsonAsync("/api/tasks", new { name, image = TestImages.Workload });

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("An API key is required.", await TitleAsync(missing));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("The API key is not valid.", await TitleAsync(refused));
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixtureBase.Json);
        Assert.DoesNotContain(tasks!, task => task.Name == name);
    }

    [Fact]
    public async Task The_key_is_accepted_as_a_bearer_token_or_in_the_X_Api_Key_header()
    {
        using var bearer = Client(new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ApiKey));
        using var header = Client();
        header.DefaultRequestHeaders.Add("X-Api-Key", ClusterFixtureBase.ApiKey);

        using var viaBearer = await bearer.GetAsync("/api/nodes");
        using var viaHeader = await header.GetAsync("/api/nodes");

        Assert.Equal(HttpStatusCode.OK, viaBearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
    }

    [Fact]
    public async Task A_read_only_key_reads_everything_and_every_change_it_asks_for_gets_403_and_changes_nothing()
    {
        var running = await cluster.SubmitAsync(new { name = $"watched-{Guid.NewGuid():N}"[..20], image = TestImages.Workload, command = new[] { "sleep", "300" } });
        await cluster.WaitForStateAsync(running.Id, TaskState.Running);
        var name = $"read-only-{Guid.NewGuid():N}"[..30];
        using var viewer = Client(new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ReadOnlyApiKey));

        using var list = await viewer.GetAsync("/api/tasks");
        using var one = await viewer.GetAsync($"/api/tasks/{running.Id}");
        using var events = await viewer.GetAsync($"/api/tasks/{running.Id}/events");
        using var nodes = await viewer.GetAsync("/api/nodes");
        using var submit = await viewer.PostAsJsonAsync("/api/tasks", new { name, image = TestImages.Workload });
        using var stop = await viewer.DeleteAsync($"/api/tasks/{running.Id}");
        using var drain = await viewer.PostAsync($"/api/nodes/{cluster.Node.Id}/drain", null);

        Assert.All([list, one, events, nodes], read => Assert.Equal(HttpStatusCode.OK, read.StatusCode));
        foreach (var change in new[] { submit, stop, drain })
        {
            Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
            Assert.Equal("application/problem+json", change.Content.Headers.ContentType?.MediaType);
            Assert.Equal("This API key may only read.", await TitleAsync(change));
        }
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixtureBase.Json);
        Assert.DoesNotContain(tasks!, task => task.Name == name);
        var after = await cluster.GetTaskAsync(running.Id);
        Assert.Equal((TaskState.Running, DesiredState.Running), (after.State, after.DesiredState));
        var node = (await cluster.Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", ClusterFixtureBase.Json))!.Single(n => n.Id == cluster.Node.Id);
        Assert.Equal(NodeStatus.Ready, node.Status);
        await cluster.StopAndWaitAsync(running.Id);
    }

    [Theory]
    [InlineData("Api:ReadOnlyKeys:tests", "integration-tests-another-key", "API key name 'tests' is in both Api:Keys and Api:ReadOnlyKeys")]
    [InlineData("Api:ReadOnlyKeys:other", ClusterFixtureBase.ApiKey, "API keys 'tests', 'other' are the same key")]
    [InlineData("Api:ReadOnlyKeys:short", "too-short", "API key 'short' is shorter than 16 characters")]
    public async Task An_Api_whose_keys_are_ambiguous_or_short_refuses_to_start_and_says_which(string setting, string key, string message)
    {
        var configuration = new Dictionary<string, string?>(cluster.Configuration) { [setting] = key };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var api = InProcessServices.Api(configuration, ServiceHosts.Settings);
            await api.StartAsync();
        });

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Health_and_the_OpenAPI_document_need_no_key_and_the_document_says_how_to_send_one()
    {
        using var anonymous = Client();

        using var health = await anonymous.GetAsync("/health");
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var root = document.RootElement;
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("scheme").GetString());
        var submit = root.GetProperty("paths").GetProperty("/api/tasks").GetProperty("post");
        Assert.True(submit.GetProperty("security")[0].TryGetProperty("ApiKey", out _));
    }

    [Fact]
    public async Task An_Api_with_no_key_refuses_to_start_and_says_how_to_configure_one()
    {
        var configuration = cluster.Configuration.Where(setting => !setting.Key.StartsWith("Api:", StringComparison.Ordinal))
            .ToDictionary(setting => setting.Key, setting => setting.Value);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var api = InProcessServices.Api(configuration, ServiceHosts.Settings);
            await api.StartAsync();
        });

        Assert.Contains("Api__Keys__<name>=<key>", error.Message);
    }

    private HttpClient Client(AuthenticationHeaderValue? authorization = null) =>
        new() { BaseAddress = cluster.Api.BaseAddress, DefaultRequestHeaders = { Authorization = authorization } };

    private static async Task<string?> TitleAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("title").GetString();
    }
}
