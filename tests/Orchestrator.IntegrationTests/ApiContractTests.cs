using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests;

[Collection(ClusterCollection.Name)]
public sealed class ApiContractTests(ClusterFixture cluster)
{
    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"name":"web"}""", "image" },
        { """{"image":"busybox"}""", "name" },
        { """{"name":"web","image":"busybox","resources":{"cpu":-1}}""", "resources.cpu" },
        { """{"name":"web","image":"busybox","resources":{"memoryMb":99999999999}}""", "resources.memoryMb" },
        { """{"name":"web","image":"busybox","resources":{"cpu":"lots"}}""", "resources.cpu" },
        { """{"name":"web","image":"busybox","ports":[{"containerPort":70000}]}""", "ports[0].containerPort" },
        { """{"name":"web","image":"busybox","ports":[{"containerPort":80,"hostPort":-5}]}""", "ports[0].hostPort" },
        { """{"name":"web","image":"busybox","ports":"8080"}""", "ports" },
        { """{"name":"web","image":"busybox","privileged":true}""", "privileged" },
        { """{"name":"web","image":"Not A Valid Image"}""", "image" },
        { """{"name":"web","image":"busybox","restartPolicy":{"mode":"Sometimes"}}""", "restartPolicy.mode" },
        { """{"name":"web","image":"busybox","restartPolicy":{"maxRestarts":-1}}""", "restartPolicy.maxRestarts" },
        { """{"name":"web","image":"busybox","healthCheck":{"type":"http","port":0}}""", "healthCheck.port" },
        { """{"name":"web","image":"busybox","healthCheck":{"type":"grpc","port":80}}""", "healthCheck.type" },
        { """{"name":"web","image":"busybox","labels":{"orchestrator.node-id":"x"}}""", "labels.orchestrator.node-id" },
        { """{"name":"web","image":"busybox","workingDir":"relative"}""", "workingDir" },
        { """{"name":"web","image":"busybox","stopTimeoutSeconds":3600}""", "stopTimeoutSeconds" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"volume","source":"data","target":"data"}]}""", "mounts[0].target" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"tmpfs","target":"/a","sizeMb":8},{"type":"tmpfs","target":"/a","sizeMb":8}]}""", "mounts[1].target" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"bind","source":"data","target":"/data"}]}""", "mounts[0].type" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"host","source":"/etc","target":"/etc"}]}""", "mounts[0].source" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"tmpfs","target":"/scratch"}]}""", "mounts[0].sizeMb" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"volume","source":"data","target":"/data","driver":"local"}]}""", "mounts[0].driver" },
        { """{"name":"web","image":"busybox","capAdd":["NET_ADMINN"]}""", "capAdd[0]" },
        { """{"name":"web","image":"busybox","capAdd":["ALL"]}""", "capAdd[0]" },
        { """{"name":"web","image":"busybox","ulimits":[{"name":"nofile"}]}""", "ulimits[0].soft" },
        { """{"name":"web","image":"busybox","user":"root user"}""", "user" },
        { """{"name":"web","image":"busybox","stopSignal":"SIGNOPE"}""", "stopSignal" },
        { """{"name":"web","image":"busybox","shmSizeMb":0}""", "shmSizeMb" },
        { """{"name":"web","image":"busybox","logs":{"maxFiles":0}}""", "logs.maxFiles" },
        { """{"name":"web","image":"busybox","env":{"ORCHESTRATOR_TASK_ID":"mine"}}""", "env.ORCHESTRATOR_TASK_ID" },
        { $$"""{"name":"web","image":"busybox","files":[{"target":"/etc/app.yaml","content":"{{new string('x', TaskFile.MaxContentBytes + 1)}}"}]}""", "files[0].content" },
        { """{"name":"web","image":"busybox","files":[{"target":"/etc/app.yaml","content":"a: 1","mode":"0999"}]}""", "files[0].mode" },
        { """{"name":"web","image":"busybox","files":[{"target":"/etc/app.yaml","content":"a: 1","mode":"4755"}]}""", "files[0].mode" },
        { """{"name":"web","image":"busybox","files":[{"target":"/etc/app.yaml","content":"a"},{"target":"/etc//app.yaml","content":"b"}]}""", "files[1].target" },
        { """{"name":"web","image":"busybox","mounts":[{"type":"tmpfs","target":"/etc/app","sizeMb":8}],"files":[{"target":"/etc/app","content":"a"}]}""", "files[0].target" },
        { """{"name":"web","image":"busybox","imagePullPolicy":"Sometimes"}""", "imagePullPolicy" },
        { """{"name":"web","image":"busybox","datacenters":["eu-west","eu west"]}""", "datacenters[1]" },
        { """{"name":"web","image":"busybox","datacenters":["eu-west","eu-west"]}""", "datacenters[1]" },
        { """{"name":"web","image":"busybox","datacenters":"eu-west"}""", "datacenters" },
        { """this is not json""", "body" },
        { """null""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_request_gets_400_naming_the_field_and_records_nothing(string body, string field)
    {
        var before = await TaskCountAsync();

        var response = await cluster.Api.PostAsync("/api/tasks", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemNamingAsync(response, field);
        Assert.Equal(before, await TaskCountAsync());
    }

    private static async Task AssertProblemNamingAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error for '{field}' in {errors}");
    }

    public static TheoryData<string, string> BadJobBodies() => new()
    {
        { """{"datacenters":["eu west"],"task":{"image":"busybox"}}""", "datacenters[0]" },
        { """{"datacenters":["eu-west"],"task":{"image":"busybox","datacenters":["us-east"]}}""", "datacenters" },
        { """{"task":{"image":"busybox","datacenters":["eu-west","eu-west"]}}""", "task.datacenters[1]" },
    };

    [Theory]
    [MemberData(nameof(BadJobBodies))]
    public async Task Bad_job_gets_400_naming_the_field_and_creates_no_job(string body, string field)
    {
        var response = await cluster.Api.PutAsync("/api/jobs/contract-bad-job", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemNamingAsync(response, field);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("/api/jobs/contract-bad-job")).StatusCode);
    }

    [Fact]
    public async Task Accepted_submission_has_a_Location_that_reads_the_task_back()
    {
        var response = await cluster.Api.PostAsJsonAsync("/api/tasks", new { name = "located", image = TestImages.Workload, command = new[] { "true" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixture.Json);
        Assert.Equal($"/api/tasks/{created!.Id}", response.Headers.Location?.OriginalString);
        var read = await cluster.Api.GetFromJsonAsync<TaskDetails>(response.Headers.Location, ClusterFixture.Json);
        Assert.Equal("located", read!.Name);
        Assert.Equal(TestImages.Workload, read.Image);
        var listed = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixture.Json);
        Assert.Contains(listed!, task => task.Id == created.Id);
        await cluster.Api.DeleteAsync(response.Headers.Location);
    }

    [Fact]
    public async Task A_submission_repeated_with_its_Idempotency_Key_makes_one_task_and_the_key_reused_for_another_body_gets_422()
    {
        var key = $"contract-{Guid.NewGuid():N}";
        var spec = new { name = "idempotent", image = TestImages.Workload, resources = new { cpu = 256 } };
        var first = await cluster.Api.PostTaskAsync(spec, key);
        var again = await cluster.Api.PostTaskAsync(spec, key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var task = (await first.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixture.Json))!;
        Assert.Equal(task.Id, (await again.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixture.Json))!.Id);
        var before = await TaskCountAsync();

        var other = await cluster.Api.PostTaskAsync(spec with { name = "idempotent-other" }, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await TaskCountAsync());
        Assert.Equal("idempotent", (await cluster.GetTaskAsync(task.Id)).Name);
        await cluster.StopAllAsync([task.Id]);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_records_nothing()
    {
        var before = await TaskCountAsync();
        // Valid JSON all the way, so only its size can be refused: a label as long as the whole limit.
        var body = JsonSerializer.Serialize(new { name = "huge", image = TestImages.Workload, labels = new { filler = new string('x', 1024 * 1024) } });

        var response = await cluster.Api.PostAsync("/api/tasks", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await TaskCountAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a-key-longer-than-255-characters-" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task An_unusable_Idempotency_Key_gets_400_naming_the_header_and_records_nothing(string key)
    {
        var before = await TaskCountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks")
        {
            Content = JsonContent.Create(new { name = "bad-key", image = TestImages.Workload }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await cluster.Api.SendAsync(request);

        await AssertProblemNamingAsync(response, "Idempotency-Key");
        Assert.Equal(before, await TaskCountAsync());
    }

    [Fact]
    public async Task The_task_list_filters_by_state_and_id_prefix_and_honours_its_limit()
    {
        var waiting = await cluster.SubmitAsync(new { name = "listed-pending", image = TestImages.Workload, resources = new { cpu = 256 } });
        var finished = await cluster.SubmitAsync(new { name = "listed-done", image = TestImages.Workload, command = new[] { "true" } });
        await cluster.WaitForStateAsync(finished.Id, TaskState.Completed);

        var pending = await ListAsync("state=pending");
        Assert.Contains(pending, t => t.Id == waiting.Id);
        Assert.DoesNotContain(pending, t => t.Id == finished.Id);
        Assert.All(pending, t => Assert.Equal(TaskState.Pending, t.State));
        var byPrefix = await ListAsync($"idPrefix={waiting.Id.ToString()[..13]}");
        Assert.Equal(waiting.Id, Assert.Single(byPrefix).Id);
        var byPrefixWithoutDashes = await ListAsync($"idPrefix={waiting.Id.ToString("N")[..12]}");
        Assert.Equal(waiting.Id, Assert.Single(byPrefixWithoutDashes).Id);
        Assert.Single(await ListAsync("limit=1"));

        await cluster.StopAllAsync([waiting.Id]);
    }

    [Fact]
    public async Task The_task_list_finds_tasks_by_part_of_their_name_ignoring_case_with_an_underscore_only_an_underscore()
    {
        var mark = Guid.NewGuid().ToString("N")[..8];
        var underscored = await cluster.SubmitAsync(new { name = $"Shop_{mark}-web", image = TestImages.Workload, resources = new { cpu = 256 } });
        var lookalike = await cluster.SubmitAsync(new { name = $"shopx{mark}-web", image = TestImages.Workload, resources = new { cpu = 256 } });

        Assert.Equal([lookalike.Id, underscored.Id], (await ListAsync($"name={mark}-WEB")).Select(t => t.Id));
        Assert.Equal(underscored.Id, Assert.Single(await ListAsync($"name=p_{mark}")).Id);
        Assert.Empty(await ListAsync($"name={mark}-web&state=running"));

        await cluster.StopAllAsync([underscored.Id, lookalike.Id]);
    }

    [Fact]
    public async Task The_task_list_filters_by_the_node_a_task_is_placed_on()
    {
        var placed = await cluster.SubmitAsync(new { name = "listed-on-node", image = TestImages.Workload, command = new[] { "sleep", "60" } });
        await cluster.WaitForStateAsync(placed.Id, TaskState.Running);

        Assert.Contains(await ListAsync($"node={cluster.Node.Id}&state=running"), t => t.Id == placed.Id);
        Assert.Empty(await ListAsync($"node={Guid.NewGuid()}"));

        await cluster.StopAllAsync([placed.Id]);
    }

    [Fact]
    public async Task The_task_list_pages_through_its_Link_header_unmoved_by_newer_tasks()
    {
        var submitted = new List<Guid>();
        for (var i = 0; i < 5; i++)
            submitted.Add((await cluster.SubmitAsync(new { name = $"paged-{i}", image = TestImages.Workload, resources = new { cpu = 256 } })).Id);
        var whole = await ListAsync("state=pending&limit=5000");

        var first = await cluster.Api.GetAsync("/api/tasks?state=pending&limit=2");
        var newer = await cluster.SubmitAsync(new { name = "paged-later", image = TestImages.Workload, resources = new { cpu = 256 } });
        var second = await cluster.Api.GetAsync(NextLink(first));
        var third = await cluster.Api.GetAsync(NextLink(second));

        var pages = new List<TaskDetails>();
        foreach (var page in new[] { first, second, third })
            pages.AddRange((await page.Content.ReadFromJsonAsync<List<TaskDetails>>(ClusterFixture.Json))!);
        Assert.Equal(whole.Take(6).Select(t => t.Id), pages.Select(t => t.Id));
        Assert.DoesNotContain(newer.Id, pages.Select(t => t.Id));
        Assert.All(submitted, id => Assert.Contains(id, whole.Select(t => t.Id)));
        await cluster.StopAllAsync([.. submitted, newer.Id]);
    }

    [Fact]
    public async Task A_list_continued_after_an_unknown_task_gets_400_naming_before() =>
        await AssertNamesParameterAsync(await cluster.Api.GetAsync($"/api/tasks?before={Guid.NewGuid()}"), "before");

    private static string NextLink(HttpResponseMessage page)
    {
        var link = Assert.Single(page.Headers.GetValues("Link"));
        Assert.EndsWith(">; rel=\"next\"", link);
        return link[1..link.IndexOf('>')];
    }

    [Theory]
    [InlineData("before=yesterday", "before")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=5001", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("state=Sleeping", "state")]
    [InlineData("state=3", "state")]
    [InlineData("idPrefix=xyz", "idPrefix")]
    [InlineData("idPrefix=a%25", "idPrefix")]
    [InlineData("name=a%25", "name")]
    [InlineData("name=web%20app", "name")]
    public async Task A_bad_task_list_query_gets_400_naming_the_parameter(string query, string field) =>
        await AssertNamesParameterAsync(await cluster.Api.GetAsync($"/api/tasks?{query}"), field);

    [Theory]
    [InlineData("tail=lots", "tail")]
    [InlineData("tail=-1", "tail")]
    [InlineData("follow=maybe", "follow")]
    public async Task A_bad_logs_query_gets_400_naming_the_parameter(string query, string field) =>
        await AssertNamesParameterAsync(await cluster.Api.GetAsync($"/api/tasks/{Guid.NewGuid()}/logs?{query}"), field);

    /// <summary>A 400 ValidationProblem whose errors name <paramref name="field"/>.</summary>
    private static async Task AssertNamesParameterAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error for '{field}' in {errors}");
    }

    private async Task<List<TaskDetails>> ListAsync(string query) =>
        (await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?{query}", ClusterFixture.Json))!;

    [Fact]
    public async Task Unknown_task_id_gets_404_problem_details()
    {
        var missing = Guid.NewGuid();

        var get = await cluster.Api.GetAsync($"/api/tasks/{missing}");
        var delete = await cluster.Api.DeleteAsync($"/api/tasks/{missing}");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Contains(missing.ToString(), await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Nodes_list_shows_the_agent_Ready_with_the_hosts_real_capacity()
    {
        var nodes = await cluster.Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", ClusterFixture.Json);

        var node = Assert.Single(nodes!, n => n.Id == cluster.Node.Id);
        Assert.Equal("test-node", node.Name);
        Assert.Equal(NodeStatus.Ready, node.Status);
        Assert.Equal(Environment.ProcessorCount, node.Capacity.Cpu);
        var memTotalKb = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal(memTotalKb / 1024, node.Capacity.MemoryMb);
        Assert.True(node.Capacity.DiskMb > 0);
        Assert.InRange(node.Used.MemoryMb, 1, node.Capacity.MemoryMb);
        Assert.Equal(node.Capacity, node.Allocatable);
        Assert.True(node.LastHeartbeatAt > DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task The_api_publishes_an_OpenAPI_document_naming_its_endpoints()
    {
        var document = await cluster.Api.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/tasks", document);
        Assert.Contains("/api/nodes", document);
        Assert.Contains("/api/registries/{server}", document);
    }

    private async Task<int> TaskCountAsync() =>
        (await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixture.Json))!.Count;
}
