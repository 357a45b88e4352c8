using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContainerKillParameters = Docker.DotNet.Models.ContainerKillParameters;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.IntegrationTests;

/// <summary>Jobs on the real engine: a count kept, scaled, replaced after a crash, rolled out, deleted.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobsTests(ClusterFixture cluster)
{
    private static object Spec(string greeting = "hello", string restart = "Never") => new
    {
        image = TestImages.Workload,
        command = new[] { "sh", "-c", "exec httpd -f -p 8080 -h /" },
        env = new Dictionary<string, string> { ["GREETING"] = greeting },
        resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
        restartPolicy = new { mode = restart },
        stopTimeoutSeconds = 1,
    };

    [Fact]
    public async Task A_job_runs_its_count_of_containers_scales_up_and_down_and_its_deletion_stops_every_task()
    {
        const string name = "jobs-scale";
        var created = await ApplyAsync(name, new { count = 2, task = Spec() }, HttpStatusCode.Created);
        Assert.Equal([$"{name}-1", $"{name}-2"], created.Tasks.Select(t => t.Name).Order());
        var two = await WaitForJobAsync(name, job => job.Running == 2);
        foreach (var task in two.Tasks)
            Assert.True(Assert.Single(await cluster.ContainersOfTaskAsync(task.Id)).State == "running");
        // The dashboard's gauge of the job: two wanted, two Running.
        using (var metrics = new MetricRecorder())
            await ClusterFixtureBase.WaitUntilAsync(() =>
            {
                metrics.Observe();
                var gauge = metrics.Of(ClusterMetrics.JobTasksName).Where(m => (string?)m.Tags["job.name"] == name)
                    .GroupBy(m => (string)m.Tags["kind"]!).ToDictionary(g => g.Key, g => g.Last().Value);
                return Task.FromResult(gauge.GetValueOrDefault("wanted") == 2 && gauge.GetValueOrDefault("running") == 2);
            });

        // What placement sees of the node: two of the job's tasks (asked for while a task waits, as the Scheduler asks).
        // The fixture's own node: an agent another test started and stopped may be listed too, Down and empty.
        var waiting = await cluster.SubmitAsync(new { name = "jobs-unplaceable", image = TestImages.Workload, resources = new { cpu = 256 } });
        var work = await cluster.RequestClient<GetPlacementWork>().GetResponse<PlacementWork>(new GetPlacementWork());
        Assert.Equal(2, work.Message.Nodes.Single(node => node.Id == cluster.Node.Id).TasksOf(name));
        await cluster.StopAndWaitAsync(waiting.Id);

        // The same spec again changes nothing.
        var again = await ApplyAsync(name, new { count = 2, task = Spec() }, HttpStatusCode.OK);
        Assert.Equal(1, again.Revision);
        Assert.Equal(two.Tasks.Select(t => t.Id).Order(), again.Tasks.Select(t => t.Id).Order());

        await ScaleAsync(name, 3);
        var three = await WaitForJobAsync(name, job => job.Running == 3 && job.Tasks.Count == 3);
        Assert.Contains(three.Tasks, t => t.Name == $"{name}-3");

        var scaledDown = await ScaleAsync(name, 1);
        var stopped = scaledDown.Tasks.Where(t => t.DesiredState == DesiredState.Stopped).Select(t => t.Id).ToList();
        Assert.Equal(2, stopped.Count);
        Assert.All(scaledDown.Tasks.Where(t => stopped.Contains(t.Id)), t => Assert.Equal($"stopping: job {name} is scaled to 1", t.Message));
        var one = await WaitForJobAsync(name, job => job.Tasks.Count == 1 && job.Running == 1);
        Assert.DoesNotContain(one.Tasks[0].Id, stopped);
        foreach (var id in stopped)
        {
            var ended = await cluster.GetTaskAsync(id);
            Assert.Equal((TaskState.Completed, $"stopped: job {name} is scaled to 1"), (ended.State, ended.Message));
            Assert.Empty(await cluster.ContainersOfTaskAsync(id));
        }

        var delete = await cluster.Api.DeleteAsync($"/api/jobs/{name}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        var deleted = (await delete.Content.ReadFromJsonAsync<JobDetails>(ClusterFixtureBase.Json))!;
        Assert.Equal($"stopping: job {name} is deleted", Assert.Single(deleted.Tasks).Message);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/jobs/{name}")).StatusCode);
        var last = await cluster.WaitForTaskAsync(one.Tasks[0].Id, t => TaskStateMachine.IsTerminal(t.State), "finished");
        Assert.Equal(TaskState.Completed, last.State);
        Assert.Empty(await cluster.ContainersOfTaskAsync(last.Id));
    }

    [Fact]
    public async Task A_task_of_a_job_whose_container_dies_is_replaced_by_a_new_task()
    {
        const string name = "jobs-replace";
        await ApplyAsync(name, new { count = 1, task = Spec() }, HttpStatusCode.Created);
        var first = Assert.Single((await WaitForJobAsync(name, job => job.Running == 1)).Tasks);
        var container = Assert.Single(await cluster.ContainersOfTaskAsync(first.Id));

        await cluster.Docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters());

        var replaced = await WaitForJobAsync(name, job => job.Running == 1 && job.Tasks.All(t => t.Id != first.Id));
        // The replacement takes over the slot.
        Assert.Equal(($"{name}-1", (int?)1), (Assert.Single(replaced.Tasks).Name, replaced.Tasks[0].Slot));
        Assert.Equal(TaskState.Failed, (await cluster.GetTaskAsync(first.Id)).State);
        await DeleteAndWaitAsync(name, replaced);
    }

    [Fact]
    public async Task A_changed_task_spec_rolls_out_as_a_new_revision_starting_new_tasks_before_stopping_old_ones()
    {
        const string name = "jobs-rollout";
        await ApplyAsync(name, new { count = 2, task = Spec("first") }, HttpStatusCode.Created);
        var old = (await WaitForJobAsync(name, job => job.Running == 2)).Tasks;

        // Without a count, the job keeps its two.
        var changed = await ApplyAsync(name, new { task = Spec("second") }, HttpStatusCode.OK);
        Assert.Equal(2, changed.Revision);
        Assert.Equal(2, changed.Count);

        var rolled = await WaitForJobAsync(name, job => job.Running == 2 && job.Tasks.Count == 2 && job.Tasks.All(t => t.Revision == 2));
        foreach (var task in rolled.Tasks)
        {
            var container = await cluster.Docker.Containers.InspectContainerAsync(Assert.Single(await cluster.ContainersOfTaskAsync(task.Id)).ID);
            Assert.Contains("GREETING=second", container.Config.Env);
        }
        // An old task was stopped only after a new one was Running.
        var firstNewRunning = (await Task.WhenAll(rolled.Tasks.Select(t => RunningAtAsync(t.Id)))).Min();
        foreach (var task in old)
        {
            var ended = await cluster.WaitForTaskAsync(task.Id, t => TaskStateMachine.IsTerminal(t.State), "finished");
            Assert.Equal(TaskState.Completed, ended.State);
            Assert.True(ended.FinishedAt > firstNewRunning, $"{task.Name} ended at {ended.FinishedAt:O}, before a new task ran at {firstNewRunning:O}");
        }
        await DeleteAndWaitAsync(name, rolled);
    }

    [Fact]
    public async Task A_job_with_volumes_rolls_out_stop_first_so_two_tasks_never_hold_a_slot_at_once()
    {
        const string name = "jobs-volume-rollout";
        object VolumeSpec(string greeting) => new
        {
            image = TestImages.Workload,
            command = new[] { "sleep", "600" },
            env = new Dictionary<string, string> { ["GREETING"] = greeting },
            mounts = new[] { new { type = "volume", source = "state", target = "/state" } },
            resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
            stopTimeoutSeconds = 0,
        };
        try
        {
            await ApplyAsync(name, new { count = 2, task = VolumeSpec("first") }, HttpStatusCode.Created);
            var old = (await WaitForJobAsync(name, job => job.Running == 2)).Tasks;

            await ApplyAsync(name, new { task = VolumeSpec("second") }, HttpStatusCode.OK);
            var rolled = await WaitForJobAsync(name, job => job.Running == 2 && job.Tasks.Count == 2 && job.Tasks.All(t => t.Revision == 2));

            // Each slot's old task ended before the slot's new one was placed: no moment with two on one slot's volume.
            Assert.Equal([1, 2], rolled.Tasks.Select(t => t.Slot ?? 0).Order());
            foreach (var task in rolled.Tasks)
            {
                var predecessor = await cluster.GetTaskAsync(old.Single(t => t.Slot == task.Slot).Id);
                Assert.Equal(TaskState.Completed, predecessor.State);
                var placed = (await cluster.EventsAsync(task.Id)).First(e => e.State == TaskState.Scheduled).At;
                Assert.True(predecessor.FinishedAt <= placed, $"slot {task.Slot}: the old task ended at {predecessor.FinishedAt:O}, after the new one was placed at {placed:O}");
            }
            await DeleteAndWaitAsync(name, rolled);
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/jobs/{name}");
            foreach (var slot in new[] { 1, 2 })
                await cluster.RemoveVolumeAsync(Domain.Tasks.Mount.VolumeName("state", name, slot));
        }
    }

    [Fact]
    public async Task A_revision_that_never_turns_healthy_leaves_the_old_tasks_serving()
    {
        const string name = "jobs-unhealthy";
        await ApplyAsync(name, new { count = 2, task = Checked("/index.html") }, HttpStatusCode.Created);
        var old = (await WaitForJobAsync(name, job => job.Running == 2)).Tasks;

        await ApplyAsync(name, new { task = Checked("/missing") }, HttpStatusCode.OK);

        // The new task runs, fails its health check and is killed; the job starts another: the rollout has seen a new
        // task Running (unhealthy) and has had its chance to stop an old one.
        var firstNewId = (await WaitForJobAsync(name, job => job.Tasks.Any(t => t.Revision == 2))).Tasks.Single(t => t.Revision == 2).Id;
        await WaitForJobAsync(name, job => job.Tasks.Any(t => t.Revision == 2 && t.Id != firstNewId));
        var firstNew = await cluster.GetTaskAsync(firstNewId);
        Assert.Equal(TaskState.Failed, firstNew.State);
        Assert.Contains("health check failed", firstNew.Message);
        foreach (var task in old)
        {
            var now = await cluster.GetTaskAsync(task.Id);
            Assert.Equal((TaskState.Running, DesiredState.Running), (now.State, now.DesiredState));
        }
        await DeleteAndWaitAsync(name, await WaitForJobAsync(name, _ => true));
    }

    [Fact]
    public async Task A_revision_that_misses_its_progress_deadline_is_failed_and_reverted_leaving_the_old_tasks_untouched()
    {
        const string name = "jobs-revert";
        await ApplyAsync(name, new { count = 2, task = Checked("/index.html") }, HttpStatusCode.Created);
        var stable = await WaitForJobAsync(name, job => job.Running == 2 && job.StableRevision == 1);
        var old = stable.Tasks.Select(t => t.Id).Order().ToList();

        var update = new { progressDeadlineSeconds = 10, autoRevert = true };
        var changed = await ApplyAsync(name, new { task = Checked("/missing"), update }, HttpStatusCode.OK);
        Assert.Equal(2, changed.Revision);

        // The new revision never serves; ten seconds after its first container started it is failed, and revision 1's
        // spec comes back as revision 3, which the old tasks, never stopped, now belong to.
        var reverted = await WaitForJobAsync(name, job => job.Revision == 3 && job.Tasks.All(t => t.Revision == 3));
        Assert.Matches(@"^revision 2 failed: 0 of 2 new tasks healthy after \d+ s \((health check: .+|.*health check failed.*)\); reverted to revision 1$",
            reverted.RolloutFailure);
        Assert.Equal(old, reverted.Tasks.Select(t => t.Id).Order());
        Assert.Equal("/index.html", reverted.Task.HealthCheck!.Path);
        Assert.Equal(3, reverted.StableRevision);
        foreach (var id in old)
        {
            var task = await cluster.GetTaskAsync(id);
            Assert.Equal((TaskState.Running, DesiredState.Running, 0), (task.State, task.DesiredState, task.RestartCount));
        }
        var revision2 = (await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={name}", ClusterFixtureBase.Json))!
            .Where(t => !old.Contains(t.Id)).ToList();
        Assert.NotEmpty(revision2);
        foreach (var task in revision2)
            await cluster.WaitForTaskAsync(task.Id, t => TaskStateMachine.IsTerminal(t.State), "ended");
        await DeleteAndWaitAsync(name, reverted);
    }

    [Fact]
    public async Task A_canary_runs_beside_the_old_tasks_until_promoted_then_the_rollout_goes_on()
    {
        const string name = "jobs-canary";
        await ApplyAsync(name, new { count = 2, task = Spec("v1") }, HttpStatusCode.Created);
        var old = (await WaitForJobAsync(name, job => job.Running == 2 && job.StableRevision == 1)).Tasks.Select(t => t.Id).ToList();

        await ApplyAsync(name, new { task = Spec("v2"), update = new { canary = 1 } }, HttpStatusCode.OK);
        var waiting = await WaitForJobAsync(name, job => job.Message?.Contains("job promote") == true);
        Assert.Equal(1, waiting.CanariesWaiting);
        var canary = Assert.Single(waiting.Tasks, t => t.Revision == 2);
        Assert.Equal(TaskState.Running, canary.State);
        Assert.All(old, id => Assert.Contains(waiting.Tasks, t => t.Id == id && t.DesiredState == DesiredState.Running));
        // However long it waits, nothing old is stopped before the promote: a pass of the reconciler later, the same.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var still = await WaitForJobAsync(name, _ => true);
        Assert.Equal(3, still.Tasks.Count(t => t.DesiredState == DesiredState.Running));

        var promote = await cluster.Api.PostAsync($"/api/jobs/{name}/promote", null);
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        var done = await WaitForJobAsync(name, job => job.Running == 2 && job.Tasks.Count == 2 && job.Tasks.All(t => t.Revision == 2));
        Assert.Contains(done.Tasks, t => t.Id == canary.Id);
        Assert.Equal(HttpStatusCode.Conflict, (await cluster.Api.PostAsync($"/api/jobs/{name}/promote", null)).StatusCode);
        await DeleteAndWaitAsync(name, done);
    }

    [Fact]
    public async Task A_job_slots_replacement_after_its_container_is_killed_reads_the_data_its_predecessor_wrote()
    {
        const string name = "jobs-volume";
        var volume = Domain.Tasks.Mount.VolumeName("data", name, 1);
        var spec = new
        {
            image = TestImages.Workload,
            // The first task writes a random mark into the slot's volume; a task that finds one says so.
            command = new[] { "sh", "-c", "if [ -f /data/mark ]; then echo \"found $(cat /data/mark)\"; else cat /proc/sys/kernel/random/uuid > /data/mark; echo \"wrote $(cat /data/mark)\"; fi; exec sleep 600" },
            mounts = new[] { new { type = "volume", source = "data", target = "/data" } },
            resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
            restartPolicy = new { mode = "Never" },
            stopTimeoutSeconds = 0,
        };
        try
        {
            await ApplyAsync(name, new { count = 1, task = spec }, HttpStatusCode.Created);
            var first = Assert.Single((await WaitForJobAsync(name, job => job.Running == 1)).Tasks);
            await cluster.WaitForLogAsync(first.Id, "wrote ");
            var mark = (await cluster.Api.GetStringAsync($"/api/tasks/{first.Id}/logs")).Trim()["wrote ".Length..];

            // The engine made the slot's volume, labelled with its owner.
            var made = await cluster.Docker.Volumes.InspectAsync(volume);
            Assert.Equal((name, "1"), (made.Labels[Orchestrator.WorkerAgent.Runtime.VolumeLabels.Job], made.Labels[Orchestrator.WorkerAgent.Runtime.VolumeLabels.Slot]));

            await cluster.Docker.Containers.KillContainerAsync(Assert.Single(await cluster.ContainersOfTaskAsync(first.Id)).ID, new ContainerKillParameters());

            var replaced = await WaitForJobAsync(name, job => job.Running == 1 && job.Tasks.All(t => t.Id != first.Id));
            var replacement = await cluster.GetTaskAsync(Assert.Single(replaced.Tasks).Id);
            Assert.Equal(($"{name}-1", (int?)1, first.NodeId), (replacement.Name, replacement.Slot, replacement.NodeId));
            Assert.Equal(first.NodeId, replacement.VolumeNodeId);
            await cluster.WaitForLogAsync(replacement.Id, $"found {mark}");
            await DeleteAndWaitAsync(name, replaced);
        }
        finally
        {
            // The volume outlives the job, by design; the test removes what it made.
            await cluster.Api.DeleteAsync($"/api/jobs/{name}");
            await cluster.RemoveVolumeAsync(volume);
        }
    }

    [Fact]
    public async Task A_job_whose_tasks_keep_failing_is_held_back_and_says_until_when()
    {
        const string name = "jobs-crashing";
        var crashing = new
        {
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 3" },
            resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
            restartPolicy = new { mode = "Never" },
        };
        await ApplyAsync(name, new { count = 1, task = crashing }, HttpStatusCode.Created);

        // The first failure is replaced at once; after the second, the job waits before starting another.
        var held = await WaitForJobAsync(name, job => job.HeldBackUntil is not null);
        Assert.Empty(held.Tasks);
        Assert.StartsWith("2 tasks failed in the last 10 minutes; starting tasks again at", held.Message);
        Assert.Equal(HttpStatusCode.Accepted, (await cluster.Api.DeleteAsync($"/api/jobs/{name}")).StatusCode);
    }

    [Fact]
    public async Task Job_restart_replaces_every_task_with_the_same_spec_never_dropping_below_the_count()
    {
        const string name = "jobs-restart";
        await ApplyAsync(name, new { count = 2, task = Spec("same") }, HttpStatusCode.Created);
        var old = (await WaitForJobAsync(name, job => job.Running == 2)).Tasks.Select(t => t.Id).ToList();

        var restart = await cluster.Api.PostAsync($"/api/jobs/{name}/restart", null);
        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);
        var done = await WaitForJobAsync(name, job => job.Revision == 2 && job.Running == 2 && job.Tasks.Count == 2 && job.Tasks.All(t => t.Revision == 2));
        Assert.DoesNotContain(done.Tasks, t => old.Contains(t.Id));
        Assert.Equal("same", done.Task.Env!["GREETING"]);

        // Each old task ended only after one more new task than the old ones ended before it was Running.
        var oldEnds = new List<DateTimeOffset>();
        foreach (var id in old)
            oldEnds.Add((await cluster.WaitForTaskAsync(id, t => TaskStateMachine.IsTerminal(t.State), "ended")).FinishedAt!.Value);
        var newRunning = new List<DateTimeOffset>();
        foreach (var task in done.Tasks)
            newRunning.Add(await RunningAtAsync(task.Id));
        var ends = oldEnds.Order().ToList();
        for (var i = 0; i < ends.Count; i++)
            Assert.True(newRunning.Count(at => at < ends[i]) >= i + 1, $"old task {i + 1} ended at {ends[i]:O}; new tasks Running at {string.Join(", ", newRunning.Select(r => r.ToString("O")))}");

        var revisions = (await cluster.Api.GetFromJsonAsync<JobRevisionList>($"/api/jobs/{name}/revisions", ClusterFixtureBase.Json))!;
        Assert.Equal([(2, "restart requested", true), (1, "created", false)], revisions.Revisions.Select(r => (r.Revision, r.Reason, r.Current)));
        await DeleteAndWaitAsync(name, done);
    }

    [Fact]
    public async Task Job_revert_brings_an_earlier_spec_back_as_a_new_revision_and_lists_each_revision_with_its_reason()
    {
        const string name = "jobs-revert-user";
        await ApplyAsync(name, new { count = 1, task = Spec("a") }, HttpStatusCode.Created);
        await WaitForJobAsync(name, job => job.Running == 1);
        await ApplyAsync(name, new { task = Spec("b") }, HttpStatusCode.OK);
        await WaitForJobAsync(name, job => job.Running == 1 && job.Tasks.Count == 1 && job.Tasks[0].Revision == 2);

        var revert = await cluster.Api.PostAsJsonAsync($"/api/jobs/{name}/revert", new { revision = 1 }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.OK, revert.StatusCode);
        var reverted = await WaitForJobAsync(name, job => job.Revision == 3 && job.Running == 1 && job.Tasks.Count == 1 && job.Tasks[0].Revision == 3);
        Assert.Equal("a", reverted.Task.Env!["GREETING"]);
        var task = await cluster.GetTaskAsync(reverted.Tasks[0].Id);
        Assert.Equal("a", task.Env!["GREETING"]);

        var revisions = (await cluster.Api.GetFromJsonAsync<JobRevisionList>($"/api/jobs/{name}/revisions", ClusterFixtureBase.Json))!;
        Assert.Equal([(3, "revert to revision 1"), (2, "a new spec"), (1, "created")], revisions.Revisions.Select(r => (r.Revision, r.Reason)));
        Assert.Equal(["a", "b", "a"], revisions.Revisions.Select(r => r.Task.Env!["GREETING"]));

        // The current spec again changes nothing; a revision never made is a 404 naming it; a bad body a 400.
        var again = await cluster.Api.PostAsJsonAsync($"/api/jobs/{name}/revert", new { revision = 3 }, ClusterFixtureBase.Json);
        Assert.Equal(3, (await again.Content.ReadFromJsonAsync<JobDetails>(ClusterFixtureBase.Json))!.Revision);
        var missing = await cluster.Api.PostAsJsonAsync($"/api/jobs/{name}/revert", new { revision = 9 }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("keeps no revision 9", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await cluster.Api.PostAsJsonAsync($"/api/jobs/{name}/revert", new { revision = 0 }, ClusterFixtureBase.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.PostAsync("/api/jobs/jobs-none/restart", null)).StatusCode);
        await DeleteAndWaitAsync(name, reverted);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/jobs/{name}/revisions")).StatusCode);
    }

    [Fact]
    public async Task A_job_of_two_groups_runs_each_and_scaling_or_changing_one_leaves_the_other_alone()
    {
        const string name = "jobs-shop";
        object Body(int api, string proxyGreeting, bool withWorker = false) => new
        {
            groups = new object[] { new { name = "api", count = api, task = Spec("api") }, new { name = "proxy", count = 1, task = Spec(proxyGreeting) } }
                .Concat(withWorker ? [new { name = "worker", count = 1, task = Spec("worker") }] : []).ToArray(),
        };
        var created = await ApplyAsync(name, Body(2, "proxy"), HttpStatusCode.Created);
        Assert.Equal(["api", "proxy"], created.Groups!.Select(g => g.Name[(name.Length + 1)..]));
        Assert.Equal([$"{name}-api-1", $"{name}-api-2", $"{name}-proxy-1"], created.Tasks.Select(t => t.Name).Order());
        var three = await WaitForJobAsync(name, job => job.Running == 3);
        Assert.Equal(3, three.Count);
        var proxy = Assert.Single(three.Tasks, t => t.Name == $"{name}-proxy-1").Id;

        // Scaling one group: the other keeps its task.
        var scaled = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}/groups/api/scale", new { count = 3 }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.OK, scaled.StatusCode);
        var four = await WaitForJobAsync(name, job => job.Running == 4);
        Assert.Contains(four.Tasks, t => t.Name == $"{name}-api-3");
        Assert.Equal(proxy, Assert.Single(four.Tasks, t => t.Name.StartsWith($"{name}-proxy")).Id);
        Assert.Equal(HttpStatusCode.NotFound,
            (await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}/groups/nope/scale", new { count = 1 }, ClusterFixtureBase.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}/scale", new { count = 1 }, ClusterFixtureBase.Json)).StatusCode);

        // Changing one group's task rolls out that group only; a group added starts, and one left out is deleted.
        var apiTasks = four.Tasks.Where(t => t.Name.StartsWith($"{name}-api")).Select(t => t.Id).Order().ToList();
        await ApplyAsync(name, Body(3, "proxy-v2", withWorker: true), HttpStatusCode.OK);
        var rolled = await WaitForJobAsync(name, job => job.Running == 5 && job.Tasks.Count == 5
            && job.Groups!.Single(g => g.Name == $"{name}-proxy").Revision == 2 && job.Tasks.All(t => t.DesiredState == DesiredState.Running));
        Assert.Equal(apiTasks, rolled.Tasks.Where(t => t.Name.StartsWith($"{name}-api")).Select(t => t.Id).Order());
        Assert.Equal(1, rolled.Groups!.Single(g => g.Name == $"{name}-api").Revision);
        Assert.DoesNotContain(rolled.Tasks, t => t.Id == proxy);

        await ApplyAsync(name, Body(3, "proxy-v2"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/jobs/{name}-worker")).StatusCode);
        await DeleteAndWaitAsync(name, await WaitForJobAsync(name, job => job.Tasks.Count == 4));
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/jobs/{name}-api")).StatusCode);
    }

    [Fact]
    public async Task A_batch_job_runs_its_completions_at_most_parallelism_at_a_time_retries_a_failure_and_ends_complete()
    {
        const string name = "jobs-batch";
        var volumes = Enumerable.Range(1, 3).Select(slot => Domain.Tasks.Mount.VolumeName("state", name, slot)).ToList();
        var task = new
        {
            image = TestImages.Workload,
            // Slot 2's first task fails; it leaves a mark in the slot's volume, so the retry in that slot succeeds.
            command = new[] { "sh", "-c", "if [ \"$ORCHESTRATOR_SLOT\" = 2 ] && [ ! -f /state/failed ]; then touch /state/failed; echo failing; exit 4; fi; sleep 2; echo done" },
            mounts = new[] { new { type = "volume", source = "state", target = "/state" } },
            resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
        };
        var body = new { type = "batch", completions = 3, parallelism = 2, maxRetries = 2, task };
        try
        {
            var created = await ApplyAsync(name, body, HttpStatusCode.Created);
            Assert.Equal((JobType.Batch, JobStatus.Running), (created.Type, created.Status));
            Assert.Equal([$"{name}-1", $"{name}-2"], created.Tasks.Select(t => t.Name).Order());

            var done = await WaitForJobAsync(name, job => job.Status != JobStatus.Running);
            Assert.Equal((JobStatus.Complete, 3, 1), (done.Status, done.Succeeded, done.Retries));
            Assert.Equal("complete: 3 of 3 tasks succeeded after 1 retry", done.Message);
            Assert.NotNull(done.FinishedAt);
            Assert.Empty(done.Tasks);

            // The job's history: three successes, one in each slot, and slot 2's failure before its success.
            var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={name}", ClusterFixtureBase.Json);
            Assert.Equal(4, tasks!.Count);
            var succeeded = tasks.Where(t => t.State == TaskState.Completed).ToList();
            Assert.Equal([1, 2, 3], succeeded.Select(t => t.Slot!.Value).Order());
            Assert.All(succeeded, t => Assert.Equal(0, t.ExitCode));
            var failed = Assert.Single(tasks, t => t.State == TaskState.Failed);
            Assert.Equal((2, 4L), (failed.Slot, failed.ExitCode));
            Assert.True(failed.FinishedAt <= succeeded.Single(t => t.Slot == 2).StartedAt);

            // Never more than two at once: the most tasks that had started and not yet ended at any task's start.
            var spans = tasks.Select(t => (Start: t.StartedAt!.Value, End: t.FinishedAt!.Value)).ToList();
            Assert.True(spans.Max(s => spans.Count(o => o.Start <= s.Start && o.End > s.Start)) <= 2,
                string.Join("; ", spans.Select(s => $"{s.Start:O}..{s.End:O}")));

            // A finished batch job stays finished: the same spec again starts nothing, and it has no count to scale.
            var again = await ApplyAsync(name, body, HttpStatusCode.OK);
            Assert.Equal((JobStatus.Complete, 1), (again.Status, again.Revision));
            Assert.Empty(again.Tasks);
            var scale = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}/scale", new { count = 2 }, ClusterFixtureBase.Json);
            Assert.Equal(HttpStatusCode.Conflict, scale.StatusCode);
            var asService = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}", new { count = 1, task }, ClusterFixtureBase.Json);
            Assert.Equal(HttpStatusCode.Conflict, asService.StatusCode);
            Assert.Contains("is a batch job", (await asService.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            Assert.Equal(4, (await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={name}", ClusterFixtureBase.Json))!.Count);
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/jobs/{name}");
            foreach (var volume in volumes)
                await cluster.RemoveVolumeAsync(volume);
        }
    }

    [Fact]
    public async Task A_batch_job_whose_task_fails_more_often_than_its_retries_allow_ends_failed_naming_the_failure()
    {
        const string name = "jobs-batch-failing";
        var task = new
        {
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 3" },
            resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
        };
        await ApplyAsync(name, new { type = "batch", maxRetries = 1, task }, HttpStatusCode.Created);

        var failed = await WaitForJobAsync(name, job => job.Status != JobStatus.Running);
        Assert.Equal((JobStatus.Failed, 0, 2), (failed.Status, failed.Succeeded, failed.Retries));
        Assert.StartsWith($"failed: 2 tasks failed, more than maxRetries 1; the last: {name}-1: ", failed.Message);
        Assert.Contains("3", failed.Message);
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={name}", ClusterFixtureBase.Json);
        Assert.Equal([TaskState.Failed, TaskState.Failed], tasks!.Select(t => t.State));
        Assert.Equal(HttpStatusCode.Accepted, (await cluster.Api.DeleteAsync($"/api/jobs/{name}")).StatusCode);
    }

    private static object Checked(string healthPath) => new
    {
        image = TestImages.Workload,
        command = new[] { "sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www" },
        resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
        restartPolicy = new { mode = "Never" },
        healthCheck = new { type = "http", port = 8080, path = healthPath, intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 2, gracePeriodSeconds = 1 },
        stopTimeoutSeconds = 1,
    };

    [Fact]
    public async Task A_bad_job_gets_a_problem_naming_each_field_and_changes_nothing()
    {
        var response = await cluster.Api.PutAsJsonAsync("/api/jobs/jobs-bad", new { count = -1, task = new { image = "", resources = new { cpu = 0 } } }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["count", "task.image", "task.resources.cpu"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("/api/jobs/jobs-bad")).StatusCode);

        var badName = await cluster.Api.PutAsJsonAsync("/api/jobs/-bad", new { task = Spec() }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.True((await badName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));

        var unknownField = await cluster.Api.PutAsJsonAsync("/api/jobs/jobs-bad", new { replicas = 3, task = Spec() }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);

        var badBatch = await cluster.Api.PutAsJsonAsync("/api/jobs/jobs-bad", new
        {
            type = "batch",
            count = 2,
            completions = 0,
            parallelism = 0,
            maxRetries = -1,
            task = new { image = TestImages.Workload, restartPolicy = new { mode = "Always" } },
        }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.BadRequest, badBatch.StatusCode);
        Assert.Equal(["completions", "count", "maxRetries", "parallelism", "task.restartPolicy.mode"],
            (await badBatch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var unknownType = await cluster.Api.PutAsJsonAsync("/api/jobs/jobs-bad", new { type = "cron", task = Spec() }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.Contains("type", (await unknownType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));

        var scaleMissing = await cluster.Api.PutAsJsonAsync("/api/jobs/jobs-none/scale", new { count = 2 }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.NotFound, scaleMissing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.DeleteAsync("/api/jobs/jobs-none")).StatusCode);
        Assert.DoesNotContain(await ListJobsAsync(), j => j.Name is "jobs-bad" or "jobs-none");
    }

    private async Task<JobDetails> ApplyAsync(string name, object body, HttpStatusCode expected)
    {
        var response = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}", body, ClusterFixtureBase.Json);
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JobDetails>(ClusterFixtureBase.Json))!;
    }

    private async Task<JobDetails> ScaleAsync(string name, int count)
    {
        var response = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}/scale", new { count }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JobDetails>(ClusterFixtureBase.Json))!;
    }

    private async Task<List<JobDetails>> ListJobsAsync() =>
        (await cluster.Api.GetFromJsonAsync<List<JobDetails>>("/api/jobs", ClusterFixtureBase.Json))!;

    private async Task<JobDetails> WaitForJobAsync(string name, Func<JobDetails, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        JobDetails? job = null;
        while (true)
        {
            job = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{name}", ClusterFixtureBase.Json);
            if (job is not null && condition(job))
                return job;
            if (deadline.IsCancellationRequested)
                Assert.Fail($"Job {name} never settled; last seen: {job?.Running} running, {job?.Message}, " +
                    string.Join("; ", job?.Tasks.Select(t => $"{t.Name} r{t.Revision} {t.State}/{t.DesiredState} {t.Message}") ?? []));
            await Task.Delay(300);
        }
    }

    private async Task<DateTimeOffset> RunningAtAsync(Guid taskId) =>
        (await cluster.EventsAsync(taskId)).First(e => e.State == TaskState.Running).At;

    private async Task DeleteAndWaitAsync(string name, JobDetails job)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await cluster.Api.DeleteAsync($"/api/jobs/{name}")).StatusCode);
        foreach (var task in job.Tasks)
            await cluster.WaitForTaskAsync(task.Id, t => TaskStateMachine.IsTerminal(t.State), "finished");
    }
}
