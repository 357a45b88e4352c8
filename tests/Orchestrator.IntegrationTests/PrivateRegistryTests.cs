using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Docker.DotNet;
using ImageDeleteParameters = Docker.DotNet.Models.ImageDeleteParameters;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// Images from a private registry: a real distribution registry on loopback with htpasswd authentication, the task's
/// image pushed there by the test itself. The cluster's agents pull nothing, so each test starts one agent that does
/// and pins its tasks to it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PrivateRegistryTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const string Puller = "registry-puller";

    private static string NewPassword() => $"pw-{Guid.NewGuid():N}";

    private Task<HttpResponseMessage> LoginAsync(string server, string username, string password) =>
        cluster.Api.PutAsJsonAsync($"/api/registries/{server}", new { username, password });

    [Fact]
    public Task A_task_whose_image_is_in_a_private_registry_runs_once_the_registrys_credentials_are_stored() =>
        WithPushedImageAsync(async (registry, image, node) =>
        {
            var stored = await LoginAsync(registry.Server, registry.Username, registry.Password);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

            var task = await cluster.SubmitAsync(Spec(image, node));
            var completed = await cluster.WaitForStateAsync(task.Id, TaskState.Completed);

            Assert.Equal(0, completed.ExitCode);
            var events = await cluster.EventsAsync(task.Id);
            Assert.Contains(events, e => e.Reason.Contains($"pulling image {image}", StringComparison.Ordinal));
            Assert.All(events, e => Assert.DoesNotContain(registry.Password, e.Reason));
        });

    [Fact]
    public Task A_pull_the_registry_refuses_fails_the_task_at_once_with_the_registrys_reason_and_never_the_password() =>
        WithPushedImageAsync(async (registry, image, node) =>
        {
            var wrongPassword = NewPassword();
            // No credentials stored: the registry asks for them.
            var anonymous = await cluster.SubmitAsync(Spec(image, node));
            var refused = await cluster.WaitForStateAsync(anonymous.Id, TaskState.Failed);
            output.WriteLine($"without credentials: {refused.Message}");
            Assert.Contains("no basic auth credentials", refused.Message);

            // A wrong password: the registry does not know the user by it.
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(registry.Server, registry.Username, wrongPassword)).StatusCode);
            var wrong = await cluster.SubmitAsync(Spec(image, node));
            var denied = await cluster.WaitForStateAsync(wrong.Id, TaskState.Failed);
            output.WriteLine($"with a wrong password: {denied.Message}");
            Assert.Contains("unauthorized", denied.Message, StringComparison.OrdinalIgnoreCase);

            foreach (var id in new[] { anonymous.Id, wrong.Id })
            {
                var events = await cluster.EventsAsync(id);
                // At once: one pull, no retry.
                Assert.Single(events, e => e.Reason.StartsWith("pulling image", StringComparison.Ordinal));
                Assert.All(events, e => Assert.DoesNotContain(wrongPassword, e.Reason));
                Assert.All(events, e => Assert.DoesNotContain(registry.Password, e.Reason));
                Assert.DoesNotContain(wrongPassword, await cluster.Api.GetStringAsync($"/api/tasks/{id}"));
            }
            Assert.False(await IsPresentAsync(cluster.Docker, image));
        });

    /// <summary>
    /// A registry of the test's own with the workload image pushed to it under a name of its own, then gone from the
    /// engine, and an agent that pulls, for <paramref name="test"/> to pin its tasks to; all of it gone afterwards.
    /// </summary>
    private async Task WithPushedImageAsync(Func<LoopbackRegistry, string, Guid, Task> test)
    {
        await using var registry = await LoopbackRegistry.StartAsync("deploy", NewPassword());
        var image = await registry.PushAsync(cluster.Docker, TestImages.Workload, "team/app", "1");
        try
        {
            await RemoveImageAsync(cluster.Docker, image);
            Assert.False(await IsPresentAsync(cluster.Docker, image));
            var node = await cluster.StartAgentAsync(Puller, new Dictionary<string, string?> { ["Agent:PullMissingImages"] = "true" });
            try
            {
                await test(registry, image, node.Id);
            }
            finally
            {
                await cluster.StopAgentAsync(Puller);
                // Down before the next test, whose unpinned tasks must not be placed on a node no agent serves.
                await cluster.WaitForNodeAsync(node.Id, Domain.Nodes.NodeStatus.Down);
                // Its tasks' exited containers: the agent that would have swept them is gone.
                await cluster.RemoveContainersOfNodeAsync(node.Id);
            }
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/registries/{registry.Server}");
            await RemoveImageAsync(cluster.Docker, image);
        }
    }

    [Fact]
    public async Task Registry_credentials_are_kept_encrypted_listed_without_the_password_servers_only_for_a_read_only_key_and_refused_by_field_when_malformed()
    {
        var server = $"registry-{Guid.NewGuid():N}"[..20] + ".example.com";
        var password = NewPassword();
        try
        {
            var stored = await LoginAsync(server.ToUpperInvariant(), "deploy", password);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            Assert.DoesNotContain(password, await stored.Content.ReadAsStringAsync());

            var listed = await cluster.Api.GetStringAsync("/api/registries");
            Assert.DoesNotContain(password, listed);
            var registry = Assert.Single((await cluster.Api.GetFromJsonAsync<List<RegistryDetails>>("/api/registries", ClusterFixture.Json))!,
                r => r.Server == server);
            Assert.Equal("deploy", registry.Username);
            Assert.NotNull(registry.UpdatedAt);

            // At rest only encrypted: neither the text nor, as a bytea column is dumped in hex, its bytes.
            var dump = await cluster.DumpDatabaseAsync();
            Assert.Contains(server, dump);
            Assert.DoesNotContain(password, dump);
            Assert.DoesNotContain(Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(password)), dump);

            using var viewer = new HttpClient { BaseAddress = cluster.Api.BaseAddress };
            viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixtureBase.ReadOnlyApiKey);
            var seen = Assert.Single((await viewer.GetFromJsonAsync<List<RegistryDetails>>("/api/registries", ClusterFixture.Json))!,
                r => r.Server == server);
            Assert.Equal(new RegistryDetails(server, null, null, null), seen);
            Assert.Equal(HttpStatusCode.Forbidden,
                (await viewer.PutAsJsonAsync($"/api/registries/{server}", new { username = "deploy", password })).StatusCode);

            await AssertRefusedAsync("https:", new { username = "deploy", password }, "server");
            await AssertRefusedAsync("registry.example.com", new { username = "a:b", password }, "username");
            await AssertRefusedAsync("registry.example.com", new { username = "deploy" }, "password");

            Assert.Equal(HttpStatusCode.OK, (await cluster.Api.DeleteAsync($"/api/registries/{server}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.DeleteAsync($"/api/registries/{server}")).StatusCode);
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/registries/{server}");
        }
    }

    [Fact]
    public async Task StateStore_gives_a_registrys_credentials_sealed_only_for_the_current_attempt_on_its_node()
    {
        // The workload image names no registry: it is Docker Hub's, as far as credentials go. This cluster pulls nothing.
        const string server = ImageReference.DefaultRegistry;
        var password = NewPassword();
        var node = cluster.Nodes[0];
        var task = await cluster.SubmitAsync(new
        {
            name = "credentials-asker",
            image = TestImages.Workload,
            command = new[] { "sleep", "300" },
            nodeId = node.Id,
            stopTimeoutSeconds = 1,
        });
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(server, "deploy", password)).StatusCode);
            var placed = await cluster.WaitForStateAsync(task.Id, TaskState.Running);
            var client = cluster.RequestClient<GetPullCredentials>();
            using var key = SealedValue.NewRecipientKey();

            async Task<object> AskAsync(Guid nodeId, int attempt)
            {
                var response = await client.GetResponse<PullCredentials, NoPullCredentials, TaskSecretsRefused>(
                    new GetPullCredentials(task.Id, attempt, nodeId, SealedValue.PublicKeyOf(key)));
                return response.Message;
            }

            var given = Assert.IsType<PullCredentials>(await AskAsync(node.Id, placed.Attempt));
            Assert.Equal((server, "deploy"), (given.Server, given.Username));
            var opened = given.Password.Open(key, SecretPurposes.RegistryForTask(server, task.Id, placed.Attempt));
            Assert.Equal(password, System.Text.Encoding.UTF8.GetString(opened));
            Assert.IsType<TaskSecretsRefused>(await AskAsync(Guid.NewGuid(), placed.Attempt));
            Assert.IsType<TaskSecretsRefused>(await AskAsync(node.Id, placed.Attempt + 1));
        }
        finally
        {
            await cluster.StopAllAsync([task.Id]);
            await cluster.Api.DeleteAsync($"/api/registries/{server}");
        }
    }

    [Fact]
    public async Task The_cli_logs_in_with_the_password_from_standard_input_lists_without_it_and_removes_the_credentials()
    {
        var server = $"cli-{Guid.NewGuid():N}"[..16] + ".example.com:5000";
        var password = NewPassword();
        try
        {
            var login = await CliAsync(password + "\n", "registry", "login", server, "--username", "deploy", "--password-stdin");
            Assert.True(login.ExitCode == 0, login.Err);
            Assert.DoesNotContain(password, login.Out);
            var registry = Assert.Single((await cluster.Api.GetFromJsonAsync<List<RegistryDetails>>("/api/registries", ClusterFixture.Json))!,
                r => r.Server == server);
            Assert.Equal("deploy", registry.Username);

            var listed = await CliAsync(null, "registry", "ls");
            Assert.Equal(0, listed.ExitCode);
            var row = Assert.Single(listed.Out.Split('\n'), line => line.Contains(server, StringComparison.Ordinal));
            Assert.Contains("deploy", row);
            Assert.DoesNotContain(password, listed.Out);

            // No terminal to ask at and no --password-stdin: refused, never read from an argument.
            var unasked = await CliAsync("", "registry", "login", server, "--username", "deploy");
            Assert.Equal(1, unasked.ExitCode);
            Assert.Contains("--password-stdin", unasked.Err);

            Assert.Equal(0, (await CliAsync(null, "registry", "rm", server)).ExitCode);
            Assert.DoesNotContain(server, (await CliAsync(null, "registry", "ls")).Out);
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/registries/{server}");
        }
    }

    /// <summary>The CLI as its own process, so that it reads <paramref name="input"/> from a real standard input.</summary>
    private async Task<(int ExitCode, string Out, string Err)> CliAsync(string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(Orchestrator.Cli.CliApp).Assembly.Location);
        foreach (var arg in args.Concat(["--api", cluster.Api.BaseAddress!.ToString(), "--api-key", ClusterFixtureBase.ApiKey]))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await output, await errors);
    }

    private async Task AssertRefusedAsync(string server, object body, string field)
    {
        var response = await cluster.Api.PutAsJsonAsync($"/api/registries/{Uri.EscapeDataString(server)}", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>();
        Assert.Contains(field, problem!.Errors.Keys);
    }

    /// <summary>The default restart policy (OnFailure): a refused pull must still end the task at once.</summary>
    private static object Spec(string image, Guid nodeId) => new
    {
        name = "private-image",
        image,
        command = new[] { "true" },
        nodeId,
    };

    private static async Task<bool> IsPresentAsync(DockerClient docker, string image)
    {
        try
        {
            await docker.Images.InspectImageAsync(image);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Removes the registry's tag only: the workload image keeps its own.</summary>
    private static async Task RemoveImageAsync(DockerClient docker, string image)
    {
        try
        {
            await docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = false });
        }
        catch (DockerImageNotFoundException)
        {
        }
    }
}
