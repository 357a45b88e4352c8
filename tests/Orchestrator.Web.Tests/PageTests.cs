using System.IO.Pipelines;
using System.Net;
using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.Web.Components.Pages;

namespace Orchestrator.Web.Tests;

public sealed class PageTests : BunitContext
{
    private static readonly Guid TaskId = Guid.Parse("3f2a0c4e-1111-4222-8333-944445555666");

    private static TaskDetails Task(TaskState state) => new()
    {
        Id = TaskId,
        Name = "web",
        Image = "nginx:1.27",
        State = state,
        DesiredState = DesiredState.Running,
        Ports = [],
        Resources = new Resources(0.5m, 128, 0),
        RestartPolicy = RestartPolicy.Default,
        CreatedAt = DateTimeOffset.UtcNow,
        Version = 1,
    };

    private static ScriptedApi TaskApi(TaskState state) => new ScriptedApi()
        .Answer(HttpMethod.Get, $"/api/tasks/{TaskId}", Task(state))
        .Answer(HttpMethod.Get, $"/api/tasks/{TaskId}/events", new[] { new TaskEventDetails(TaskState.Pending, DateTimeOffset.UtcNow, "submitted", null, null, Caller: "alice") })
        .Answer(HttpMethod.Get, $"/api/tasks/{TaskId}/logs", "hello from the task\n")
        .Answer(HttpMethod.Delete, $"/api/tasks/{TaskId}", Task(state) with { DesiredState = DesiredState.Stopped });

    [Fact]
    public void A_read_only_key_sees_the_task_its_history_and_logs_and_no_stop_button()
    {
        TaskApi(TaskState.Running).Register(this, "viewer");

        var page = Render<TaskPage>(parameters => parameters.Add(p => p.Id, TaskId));

        page.WaitForAssertion(() => Assert.Contains("hello from the task", page.Find("pre.logs").TextContent));
        Assert.Contains("by alice", page.Find("ol.timeline").TextContent);
        Assert.Empty(page.FindAll("button.danger"));
    }

    [Fact]
    public async Task A_running_tasks_log_is_followed_each_line_shown_as_it_comes_with_no_refresh()
    {
        var log = new Pipe();
        var api = TaskApi(TaskState.Running).Stream($"/api/tasks/{TaskId}/logs?tail=200&follow=true", log.Reader.AsStream());
        api.Register(this, "viewer");
        var page = Render<TaskPage>(parameters => parameters.Add(p => p.Id, TaskId));

        await log.Writer.WriteAsync(Encoding.UTF8.GetBytes("first line\n"));
        page.WaitForAssertion(() => Assert.Equal("first line\n", page.Find("pre.logs").TextContent));
        Assert.Contains("(followed)", page.Find("#logs-heading").TextContent);
        await log.Writer.WriteAsync(Encoding.UTF8.GetBytes("second line\nthird"));
        page.WaitForAssertion(() => Assert.Equal("first line\nsecond line\n", page.Find("pre.logs").TextContent));

        // The container exits: the Api ends the stream, and the page stops saying it follows.
        await log.Writer.WriteAsync(Encoding.UTF8.GetBytes(" line\n"));
        await log.Writer.CompleteAsync();
        page.WaitForAssertion(() => Assert.DoesNotContain("(followed)", page.Find("#logs-heading").TextContent));
        Assert.Equal("first line\nsecond line\nthird line\n", page.Find("pre.logs").TextContent);
        // One stream, asked for once; the page read no tail beside it.
        Assert.Single(api.Requests, r => r.Path.StartsWith($"/api/tasks/{TaskId}/logs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_that_may_change_stops_the_task_with_an_idempotency_key()
    {
        var api = TaskApi(TaskState.Running);
        api.Register(this, "alice", WebClaims.Changer);
        var page = Render<TaskPage>(parameters => parameters.Add(p => p.Id, TaskId));

        page.WaitForElement("button.danger").Click();

        page.WaitForAssertion(() => Assert.Contains(api.Requests, r => r.Method == HttpMethod.Delete));
        var stop = api.Requests.Single(r => r.Method == HttpMethod.Delete);
        Assert.Equal($"/api/tasks/{TaskId}", stop.Path);
        Assert.False(string.IsNullOrEmpty(stop.IdempotencyKey));
    }

    [Fact]
    public void A_task_links_to_its_submissions_trace_when_the_dashboard_is_known()
    {
        var api = new ScriptedApi()
            .Answer(HttpMethod.Get, $"/api/tasks/{TaskId}", Task(TaskState.Running) with { TraceId = "0af7651916cd43dd8448eb211c80319c" })
            .Answer(HttpMethod.Get, $"/api/tasks/{TaskId}/events", Array.Empty<TaskEventDetails>())
            .Answer(HttpMethod.Get, $"/api/tasks/{TaskId}/logs", "");
        api.Register(this, "viewer", new Uri("http://localhost:18888"));

        var page = Render<TaskPage>(parameters => parameters.Add(p => p.Id, TaskId));

        var link = page.WaitForElement("a[target=_blank]");
        Assert.Equal("http://localhost:18888/traces/detail/0af7651916cd43dd8448eb211c80319c", link.GetAttribute("href"));
    }

    [Fact]
    public void A_finished_task_offers_no_stop()
    {
        TaskApi(TaskState.Completed).Register(this, "alice", WebClaims.Changer);

        var page = Render<TaskPage>(parameters => parameters.Add(p => p.Id, TaskId));

        page.WaitForAssertion(() => Assert.Contains("Completed", page.Markup));
        Assert.Empty(page.FindAll("button.danger"));
    }

    [Fact]
    public void The_overview_puts_down_then_draining_nodes_first_each_group_by_name()
    {
        NodeDetails Node(string name, NodeStatus status) => new()
        {
            Id = Guid.NewGuid(), Name = name, Status = status, Capacity = Resources.Zero, Allocatable = Resources.Zero,
            Allocated = Resources.Zero, Used = Resources.Zero, TaskCount = 0, RegisteredAt = DateTimeOffset.UtcNow, LastHeartbeatAt = DateTimeOffset.UtcNow,
        };

        var ordered = Overview.NeedingALookFirst(
            [Node("a", NodeStatus.Ready), Node("d", NodeStatus.Draining), Node("c", NodeStatus.Down), Node("b", NodeStatus.Down), Node("e", NodeStatus.Ready)]);

        Assert.Equal(["b", "c", "d", "a", "e"], ordered.Select(n => n.Name));
    }

    [Fact]
    public void The_overview_shows_each_node_with_its_bars_and_the_counts_by_state()
    {
        var node = new NodeDetails
        {
            Id = Guid.NewGuid(), Name = "worker-1", Status = NodeStatus.Ready,
            Capacity = new Resources(4, 8192, 100_000), Allocatable = new Resources(4, 8192, 100_000),
            Allocated = new Resources(1, 2048, 0), Used = new Resources(0.5m, 1024, 0),
            TaskCount = 2, RegisteredAt = DateTimeOffset.UtcNow, LastHeartbeatAt = DateTimeOffset.UtcNow,
        };
        new ScriptedApi()
            .Answer(HttpMethod.Get, "/api/summary", new ClusterSummary(new Dictionary<TaskState, int> { [TaskState.Running] = 2, [TaskState.Pending] = 1 }))
            .Answer(HttpMethod.Get, "/api/nodes", new[] { node })
            .Answer(HttpMethod.Get, "/api/jobs", Array.Empty<JobDetails>())
            .Register(this, "viewer");

        var page = Render<Overview>();

        page.WaitForAssertion(() => Assert.Contains("worker-1", page.Markup));
        var cpu = page.Find(".node .bar[aria-label^='CPU']");
        Assert.Equal("CPU: 0.5 used, 1 allocated of 4 cores", cpu.GetAttribute("aria-label"));
        Assert.Contains("width:25%", cpu.QuerySelector(".bar-allocated")!.GetAttribute("style"));
        Assert.Contains("Running", page.Find(".counts").TextContent);
        Assert.Contains("2", page.Find(".counts").TextContent);
    }

    [Fact]
    public void A_failed_call_shows_the_apis_sentence_not_a_stack_trace()
    {
        new ScriptedApi()
            .Answer(HttpMethod.Get, "/api/summary", """{"title":"The Api cannot reach the database.","detail":"Nothing was changed by this request. Try again shortly.","status":503}""", HttpStatusCode.ServiceUnavailable)
            .Register(this, "viewer");

        var page = Render<Overview>();

        var error = page.WaitForElement("[role=alert]");
        Assert.Equal("The Api cannot reach the database. Nothing was changed by this request. Try again shortly.", error.TextContent);
        Assert.DoesNotContain("Exception", page.Markup);
    }

    [Fact]
    public void A_service_lists_its_passing_and_failing_instances()
    {
        var passing = new ServiceInstance("web", Guid.NewGuid(), "web-1", "web", Guid.NewGuid(), "worker-1", "10.0.0.5", 20001, [], true, TaskState.Running, HealthStatus.Healthy, null, null);
        var failing = passing with { TaskId = Guid.NewGuid(), TaskName = "web-2", Passing = false, Health = HealthStatus.Unhealthy, Address = null };
        new ScriptedApi()
            .Answer(HttpMethod.Get, "/api/services", new[] { new ServiceSummary("web", 1, 1, [], []) })
            .Answer(HttpMethod.Get, "/api/services/web", new[] { passing, failing })
            .Register(this, "viewer");

        var page = Render<Services>(parameters => parameters.Add(p => p.Name, "web"));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#instances-heading + table tbody tr").Count));
        var rows = page.FindAll("#instances-heading + table tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains(rows, r => r.Contains("web-1") && r.Contains("passing") && r.Contains("10.0.0.5:20001"));
        Assert.Contains(rows, r => r.Contains("web-2") && r.Contains("failing") && r.Contains("Unhealthy"));
    }

    [Fact]
    public void The_apis_validation_messages_show_beside_the_fields_they_name()
    {
        var api = new ScriptedApi()
            .Answer(HttpMethod.Post, "/api/tasks", """{"title":"The task spec is not valid.","status":400,"errors":{"image":["The image is required."],"labels":["At most 64 labels are allowed."]}}""", HttpStatusCode.BadRequest);
        api.Register(this, "alice", WebClaims.Changer);
        var page = Render<Submit>();

        page.Find("#name").Change("web");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("The image is required.", page.Find("#image-errors").TextContent.Trim()));
        Assert.Contains("labels", page.Find("ul.field-errors[role=alert]").TextContent);
        Assert.Equal("""{"name":"web"}""", api.Requests.Single().Body);
    }

    [Fact]
    public void A_name_search_is_the_apis_among_every_task_not_a_filter_of_the_page_shown()
    {
        var api = new ScriptedApi()
            .Answer(HttpMethod.Get, "/api/tasks?limit=50&name=web", new[] { Task(TaskState.Running) with { Name = "shop-web-1" } })
            .Answer(HttpMethod.Get, "/api/tasks", new[] { Task(TaskState.Running) with { Name = "other" } });
        api.Register(this, "viewer");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?q=web");

        var page = Render<Tasks>();

        page.WaitForAssertion(() => Assert.Contains("shop-web-1", page.Find("table tbody").TextContent));
        Assert.DoesNotContain("other", page.Find("table tbody").TextContent);
        Assert.Equal("/api/tasks?limit=50&name=web", Assert.Single(api.Requests).Path);
    }

    [Fact]
    public void Hex_digits_that_start_no_id_are_looked_up_as_part_of_a_name()
    {
        var api = new ScriptedApi()
            .Answer(HttpMethod.Get, "/api/tasks?limit=50&idPrefix=cafe", Array.Empty<TaskDetails>())
            .Answer(HttpMethod.Get, "/api/tasks?limit=50&name=cafe", new[] { Task(TaskState.Running) with { Name = "cafe-web" } });
        api.Register(this, "viewer");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?q=cafe");

        var page = Render<Tasks>();

        page.WaitForAssertion(() => Assert.Contains("cafe-web", page.Find("table tbody").TextContent));
        Assert.Equal(["/api/tasks?limit=50&idPrefix=cafe", "/api/tasks?limit=50&name=cafe"], api.Requests.Select(r => r.Path));
    }

    [Fact]
    public void A_search_that_is_neither_a_name_nor_an_id_says_so_and_asks_nothing()
    {
        var api = new ScriptedApi();
        api.Register(this, "viewer");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?q=web%20app");

        var page = Render<Tasks>();

        page.WaitForAssertion(() => Assert.Contains("neither part of a name", page.Markup));
        Assert.Empty(api.Requests);
    }
}
