using System.Diagnostics;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The fault matrix: each case kills or stops one piece of a highly available control plane
/// (<see cref="FaultMatrixCluster"/>) during a burst of 50 submissions, and checks that no task is lost (every
/// accepted task ends Running), none runs twice (one container per attempt over both nodes, one running) and none
/// is orphaned (stopping them leaves no container running). Each case prints how long its last task took to be
/// Running, counted from the first submission: the figures in docs/performance.md. Run apart, as
/// <see cref="FaultMatrixCluster.DisabledReason"/> says.
/// </summary>
[Collection(FaultMatrixCollection.Name)]
public sealed class FaultMatrixTests(FaultMatrixCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Burst = 50;

    public Task InitializeAsync() => FaultMatrixCluster.Enabled ? cluster.RestoreAsync() : Task.CompletedTask;

    public Task DisposeAsync()
    {
        // A stalled bus shows here (BusWatchdog), not as a failure: its service was started again, as it would be.
        if (FaultMatrixCluster.Enabled)
            output.WriteLine($"services started again by their supervisor so far: {cluster.Restarts}");
        return Task.CompletedTask;
    }

    [FaultMatrixFact]
    public async Task One_of_two_StateStores_killed_the_one_consuming_the_reports_loses_and_repeats_nothing_and_the_other_leads()
    {
        ServiceProcess? victim = null;
        await BurstThroughAsync("statestore", async () =>
        {
            // The one that consumes the report queues, so that their single active consumer has to move.
            var active = await cluster.Broker.ActiveConsumerAsync(TaskReportQueue.Name(0));
            victim = cluster.StateStores.FirstOrDefault(process => process.Pid == active?.ClientProcessId) ?? cluster.StateStores[0];
            await victim.KillAsync();
        });

        // The singletons' lease is the survivor's (its holder is named machine/pid/instance), whichever held it before.
        var survivor = cluster.StateStores.Single(process => process != victim);
        string? holder = null;
        await Poll.UntilAsync(async () =>
        {
            holder = await cluster.Database.ScalarAsync<string>("""SELECT "Holder" FROM orchestrator.leases WHERE "ExpiresAt" > now()""");
            return holder?.Contains($"/{survivor.Pid}/", StringComparison.Ordinal) == true;
        });
    }

    [FaultMatrixFact]
    public Task One_of_two_Schedulers_killed_loses_and_repeats_nothing() =>
        BurstThroughAsync("scheduler", () => cluster.Schedulers[0].KillAsync());

    [FaultMatrixFact]
    public Task One_of_two_Apis_killed_loses_no_accepted_task() =>
        BurstThroughAsync("api", () => cluster.Apis[0].KillAsync());

    [FaultMatrixFact]
    public Task One_RabbitMQ_node_of_three_killed_loses_and_repeats_nothing() =>
        // Node 0 is the one every service and agent connects to first, so all of them must move.
        BurstThroughAsync("broker", () => cluster.Broker.KillNodeAsync(0));

    [FaultMatrixFact]
    public async Task The_Postgres_primary_killed_and_its_standby_promoted_loses_and_repeats_nothing()
    {
        if (cluster.StandbyPromoted)
            Assert.Fail("The standby was promoted already; this case runs once per cluster.");
        await cluster.Database.WaitForStandbyReplayAsync();
        await BurstThroughAsync("postgres", async () =>
        {
            await cluster.Database.KillPrimaryAsync();
            cluster.StandbyPromoted = true;
            await cluster.Database.PromoteStandbyAsync();
        });
    }

    [FaultMatrixFact]
    public async Task StartTasks_lost_on_the_way_to_an_agent_are_sent_again_and_each_task_runs_once()
    {
        var agent = cluster.Agents[0];
        var node = (await cluster.Clients[0].WaitForNodeAsync(n => n.Name == "fault-node-0")).Id;
        var queue = AgentQueue.Name(node);
        var clock = Stopwatch.StartNew();
        var away = TimeSpan.Zero;
        // A fifth of the way through the burst the agent goes away for a few seconds, well inside its node's TTL; the
        // StartTasks placed on its node meanwhile wait in its queue, and there they are dropped, as a purge or a broker
        // that lost the queue would. The wait is on the database, which is current, not on the broker's queue
        // statistics, which lag by seconds; a longer absence would make the node Down and move its tasks instead.
        var ids = await cluster.SubmitBurstAsync("lost-start", Burst, async () =>
        {
            var gone = Stopwatch.StartNew();
            await agent.StopAsync();
            var stoppedAt = await cluster.Database.ScalarAsync<DateTime>("SELECT now()");
            try
            {
                var placing = Stopwatch.StartNew();
                while (placing.Elapsed < TimeSpan.FromSeconds(5) && await cluster.Database.ScalarAsync<long>($"""
                    SELECT count(*) FROM orchestrator.tasks
                    WHERE "NodeId" = '{node}' AND "State" = 'Scheduled' AND "ScheduledAt" > '{stoppedAt:O}'
                    """) < 2)
                    await Task.Delay(100);
                // Long enough for StateStore's outbox to have sent the StartTasks of the placements just seen.
                await Task.Delay(TimeSpan.FromSeconds(1));
                await cluster.Broker.PurgeQueueAsync(queue);
            }
            finally
            {
                await agent.StartAsync();
                away = gone.Elapsed;
            }
        });
        var took = await cluster.WaitUntilAllRunningAsync(ids, clock);

        var tasks = await cluster.TasksAsync(ids);
        var resent = 0;
        foreach (var task in tasks.Where(task => task.NodeId == node))
            if ((await cluster.Clients[0].EventsAsync(task.Id)).Any(e => e.Reason.StartsWith("StartTask re-sent", StringComparison.Ordinal)))
                resent++;
        var moved = tasks.Count(task => task.Attempt > 1);
        output.WriteLine($"lost StartTasks: {resent} re-sent, {moved} placed again; the agent away {away.TotalSeconds:F1} s; the last task Running {took.TotalSeconds:F1} s after the first submission");
        Assert.True(resent > 0, $"No task's StartTask was re-sent: the purge dropped none ({moved} tasks placed again, the agent away {away.TotalSeconds:F1} s).");
        await cluster.AssertEachRanOnceAsync(tasks);
        await cluster.StopAndAssertNoContainerLeftAsync(ids);
    }

    [FaultMatrixFact]
    public async Task The_control_plane_stopped_for_two_minutes_stops_nothing_that_runs()
    {
        var clock = Stopwatch.StartNew();
        var ids = await cluster.SubmitBurstAsync("outage", Burst);
        await cluster.WaitUntilAllRunningAsync(ids, clock);
        var before = await cluster.TasksAsync(ids);
        var started = await cluster.ContainerStartsAsync(before);

        var controlPlane = cluster.StateStores.Concat(cluster.Schedulers).Concat(cluster.Apis).ToList();
        // Schedulers first, while StateStore still answers: one that stops cleanly leaves the Pending queue's
        // sharing at once, rather than holding its share until its membership runs out.
        await Task.WhenAll(cluster.Schedulers.Select(process => process.StopAsync()));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>(
            """SELECT count(*) FROM orchestrator.leases WHERE "Name" LIKE 'scheduler/%' AND "ExpiresAt" > now()"""));
        await Task.WhenAll(controlPlane.Select(process => process.StopAsync()));
        await Task.Delay(TimeSpan.FromMinutes(2));
        var back = Stopwatch.StartNew();
        await Task.WhenAll(controlPlane.Select(process => process.StartAsync()));
        // The agents heartbeat through the outage into the broker; the liveness monitor must not take its own
        // absence for theirs.
        await cluster.WaitUntilAllRunningAsync(ids, back);
        var after = await cluster.TasksAsync(ids);
        output.WriteLine($"control plane back after 2 minutes: every task Running {back.Elapsed.TotalSeconds:F1} s after the restart");

        Assert.Equal(
            before.Select(task => (task.Id, task.Attempt, task.ContainerId)).Order(),
            after.Select(task => (task.Id, task.Attempt, task.ContainerId)).Order());
        Assert.Equal(started, await cluster.ContainerStartsAsync(after));
        await cluster.AssertEachRanOnceAsync(after);
        await cluster.StopAndAssertNoContainerLeftAsync(ids);
    }

    [FaultMatrixFact]
    public Task An_agent_killed_has_its_tasks_run_once_elsewhere_and_its_old_containers_stopped_when_it_returns() =>
        // Started again, the agent finds the containers of the attempts that were moved off it, and stops them.
        AgentLostAndBackAsync("agent", "an agent killed", "the kill", lose: agent => agent.KillAsync(), back: agent => agent.StartAsync());

    [FaultMatrixFact]
    public Task An_agent_cut_off_for_longer_than_its_nodes_TTL_stops_the_containers_of_the_tasks_that_moved_when_it_is_back() =>
        // Frozen, its connection to the broker stays open but carries nothing: no heartbeat, no report. Back on the same
        // connection, its heartbeat shows the containers of tasks that now live elsewhere, and it is told to stop them.
        AgentLostAndBackAsync("cutoff", "an agent cut off", "it went silent",
            lose: agent =>
            {
                agent.Pause();
                return Task.CompletedTask;
            },
            back: agent =>
            {
                agent.Resume();
                return Task.CompletedTask;
            });

    /// <summary>
    /// Runs a burst on both nodes, loses agent 1 (<paramref name="lose"/>) until its node is Down and its tasks run on
    /// the other, then brings it back (<paramref name="back"/>, also if the wait fails): each task then runs once, and
    /// the moved attempts' old containers are gone.
    /// </summary>
    private async Task AgentLostAndBackAsync(string prefix, string fault, string since, Func<ServiceProcess, Task> lose, Func<ServiceProcess, Task> back)
    {
        var clock = Stopwatch.StartNew();
        var ids = await cluster.SubmitBurstAsync(prefix, Burst);
        await cluster.WaitUntilAllRunningAsync(ids, clock);
        var agent = cluster.Agents[1];
        var node = (await cluster.Clients[0].WaitForNodeAsync(n => n.Name == "fault-node-1")).Id;
        var moved = (await cluster.TasksAsync(ids)).Where(task => task.NodeId == node).Select(task => task.Id).ToHashSet();
        Assert.NotEmpty(moved);

        var lost = Stopwatch.StartNew();
        await lose(agent);
        try
        {
            await cluster.Clients[0].WaitForNodeAsync(node, Domain.Nodes.NodeStatus.Down);
            await cluster.WaitUntilAllRunningAsync(ids, lost);
            output.WriteLine($"{fault}: its {moved.Count} tasks Running elsewhere {lost.Elapsed.TotalSeconds:F1} s after {since}");
        }
        finally
        {
            await back(agent);
        }
        Assert.All(await cluster.TasksAsync(moved), task => Assert.NotEqual(node, task.NodeId));

        await cluster.Clients[0].WaitForNodeAsync(node, Domain.Nodes.NodeStatus.Ready);
        await cluster.WaitUntilEachRunsOneContainerAsync(moved);
        await cluster.AssertEachRanOnceAsync(await cluster.TasksAsync(ids));
        await cluster.StopAndAssertNoContainerLeftAsync(ids);
    }

    /// <summary>
    /// A burst of <see cref="Burst"/> tasks with <paramref name="fault"/> struck a fifth of the way through; every accepted
    /// task must end Running, once, and leave nothing behind when stopped.
    /// </summary>
    private async Task BurstThroughAsync(string name, Func<Task> fault)
    {
        var clock = Stopwatch.StartNew();
        var ids = await cluster.SubmitBurstAsync(name, Burst, fault);
        var elapsed = await cluster.WaitUntilAllRunningAsync(ids, clock);
        output.WriteLine($"{name}: {ids.Count} tasks, the last Running {elapsed.TotalSeconds:F1} s after the first submission");

        await cluster.AssertEachRanOnceAsync(await cluster.TasksAsync(ids));
        // A submission retried after its Api died carries the same idempotency key, so it makes no second task.
        var duplicates = await cluster.DuplicatesAsync(name, ids);
        await cluster.StopAndAssertNoContainerLeftAsync(ids.Union(duplicates).ToHashSet());
        Assert.Empty(duplicates);
    }
}
