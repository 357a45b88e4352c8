using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tests;

/// <summary>A task owns its state: each change is a method that checks the move and answers the event; pure, no database.</summary>
public sealed class TaskRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Node = Guid.NewGuid();

    private static TaskRecord Submitted() => TaskRecord.Submit(
        Guid.NewGuid(), new TaskSpec { Name = "web", Image = "busybox", Ports = [new PortMapping { ContainerPort = 80 }] }, Now, traceParent: null);

    private static TaskRecord Running()
    {
        var task = Submitted();
        task.Place(Node, "worker-1", Now);
        task.RecordStarted("c0ffee0123456789", [new PortBinding(80, 32768, "tcp")], Now, "container c0ffee012345 started", Now);
        return task;
    }

    [Fact]
    public void A_placement_schedules_the_next_attempt_on_the_node_and_names_it_in_the_event()
    {
        var task = Submitted();

        var placed = task.Place(Node, "worker-1", Now);

        Assert.Equal((TaskState.Scheduled, Node, 1, 1), (task.State, task.NodeId, task.Attempt, task.Version));
        Assert.Equal((TaskState.Scheduled, "placed on node worker-1", (Guid?)Node), (placed.State, placed.Reason, placed.NodeId));
        Assert.True(task.TakesReportsOf(Node, 1));
        Assert.False(task.TakesReportsOf(Node, 2));
    }

    [Fact]
    public void A_start_records_the_container_and_the_ports_the_engine_bound()
    {
        var task = Running();

        Assert.Equal(TaskState.Running, task.State);
        Assert.Equal("c0ffee0123456789", task.ContainerId);
        Assert.Equal(32768, Assert.Single(task.Ports).HostPort);
        Assert.Equal(Now, task.StartedAt);
    }

    [Fact]
    public void A_forbidden_move_throws_and_changes_nothing()
    {
        var task = Submitted();

        Assert.Throws<InvalidTaskTransitionException>(() => task.RecordStarted("c0ffee", null, Now, "started", Now));

        Assert.Equal((TaskState.Pending, null, 0), (task.State, task.ContainerId, task.Version));
    }

    [Fact]
    public void A_restart_is_recorded_once_and_only_on_a_Running_task()
    {
        var task = Running();

        Assert.NotNull(task.RecordRestarted(1, "exited with code 1; restarting", 1, Now));
        Assert.Null(task.RecordRestarted(1, "exited with code 1; restarting", 1, Now));
        Assert.Equal((TaskState.Running, 1), (task.State, task.RestartCount));
    }

    [Theory]
    [InlineData(0L, false, null, TaskState.Completed, "exited with code 0")]
    [InlineData(1L, false, null, TaskState.Failed, "exited with code 1")]
    [InlineData(137L, true, null, TaskState.Failed, "OOMKilled: exited with code 137")]
    [InlineData(null, false, "image not present", TaskState.Failed, "image not present")]
    public void An_exit_ends_the_task_as_its_code_says(long? exitCode, bool oomKilled, string? error, TaskState state, string reason)
    {
        var task = Running();

        var ended = task.RecordExit("c0ffee0123456789", exitCode, oomKilled, error, detail: null, unhealthy: false, Now);

        Assert.Equal((state, reason, exitCode), (task.State, task.Message, task.ExitCode));
        Assert.Equal((state, exitCode), (ended.State, ended.ExitCode));
        Assert.Equal(Now, task.FinishedAt);
    }

    [Fact]
    public void An_exit_and_a_restart_keep_the_end_of_the_output_in_their_events_and_NUL_as_Postgres_can_store_it()
    {
        var task = Running();

        var restarted = task.RecordRestarted(1, "exited with code 3; restarting", 3, Now, new ExitOutput("first run\n", Cut: false));
        var ended = task.RecordExit(null, 3, oomKilled: false, error: null, detail: null, unhealthy: false, Now, new ExitOutput("a\0b\n", Cut: true));

        Assert.Equal(("first run\n", false), (restarted!.OutputTail, restarted.OutputTailCut));
        Assert.Equal(("a\uFFFDb\n", true), (ended.OutputTail, ended.OutputTailCut));
        Assert.Null(Running().RecordExit(null, 0, oomKilled: false, error: null, detail: null, unhealthy: false, Now).OutputTail);
    }

    [Fact]
    public void A_task_wanted_stopped_ends_Completed_whatever_its_exit_code()
    {
        var task = Running();
        Assert.Null(task.RequestStop("job web is scaled to 1", Now));
        Assert.Equal("stopping: job web is scaled to 1", task.Message);

        task.RecordExit(null, 137, oomKilled: false, error: null, detail: null, unhealthy: false, Now);

        Assert.Equal((TaskState.Completed, "stopped: job web is scaled to 1", 137L), (task.State, task.Message, task.ExitCode));
    }

    [Fact]
    public void A_Pending_task_that_is_stopped_ends_at_once()
    {
        var task = Submitted();

        var ended = task.RequestStop(why: null, Now);

        Assert.Equal((TaskState.Completed, "cancelled before placement"), (ended!.State, ended.Reason));
        Assert.Null(task.RequestStop(why: null, Now));
    }

    [Fact]
    public void Leaving_a_lost_node_makes_the_task_Pending_with_its_placement_forgotten()
    {
        var task = Running();

        var released = task.ReleaseFromNode("node worker-1 is Down", Now);

        Assert.Equal((TaskState.Pending, (Guid?)Node), (released.State, released.NodeId));
        Assert.Equal((TaskState.Pending, null, null, null, 0), (task.State, task.NodeId, task.ContainerId, task.StartedAt, task.RestartCount));
        Assert.Equal(0, Assert.Single(task.Ports).HostPort);
        Assert.Equal(1, task.Attempt);
    }

    [Fact]
    public void An_unschedulable_reason_is_kept_only_for_the_version_the_Scheduler_saw()
    {
        var task = Submitted();

        Assert.False(task.MarkUnschedulable(expectedVersion: 3, "no node"));
        Assert.True(task.MarkUnschedulable(expectedVersion: 0, "no node"));
        Assert.Equal(("no node", 0), (task.Message, task.Version));
    }

    [Fact]
    public void Unfinished_excludes_exactly_the_terminal_states()
    {
        var unfinished = TaskRecord.Unfinished.Compile();
        var ended = Running();
        ended.RecordExit(null, 0, oomKilled: false, error: null, detail: null, unhealthy: false, Now);

        Assert.True(unfinished(Submitted()));
        Assert.True(unfinished(Running()));
        Assert.False(unfinished(ended));
    }

    private static TaskRecord WithVolume(Guid? volumeNode = null) => TaskRecord.Submit(
        Guid.NewGuid(),
        new TaskSpec { Name = "db-1", Image = "busybox", Mounts = [new Mount { Type = Mount.VolumeType, Source = "data", Target = "/data" }] },
        Now, traceParent: null, jobName: "db", jobRevision: 1, jobSlot: 1, volumeNodeId: volumeNode);

    [Fact]
    public void A_task_with_volumes_stays_held_to_its_node_when_the_node_is_lost_until_it_is_released()
    {
        var task = WithVolume();
        task.Place(Node, "worker-1", Now);
        task.ReleaseFromNode("node worker-1 is Down", Now);

        Assert.Equal((TaskState.Pending, (Guid?)Node), (task.State, task.VolumeNodeId));
        Assert.Equal(Node, task.PlacementSpec.NodeId);

        var released = task.ReleaseVolumes("worker-1", Now);

        Assert.NotNull(released);
        Assert.Contains("empty volumes", released.Reason);
        Assert.Null(task.VolumeNodeId);
        Assert.Null(task.PlacementSpec.NodeId);
        Assert.Null(task.ReleaseVolumes("worker-1", Now));
    }

    [Fact]
    public void A_new_task_of_a_slot_is_held_to_the_node_of_its_slots_volumes_and_one_without_volumes_is_not()
    {
        Assert.Equal(Node, WithVolume(Node).PlacementSpec.NodeId);
        var stateless = TaskRecord.Submit(Guid.NewGuid(), new TaskSpec { Name = "web-1", Image = "busybox" }, Now, null, "web", 1, 1, Node);
        Assert.Null(stateless.VolumeNodeId);
        Assert.Null(Running().ReleaseVolumes("worker-1", Now));
    }

    [Fact]
    public void A_re_sent_StartTask_keeps_the_attempt_Scheduled_counts_the_re_send_and_says_why()
    {
        var task = Submitted();
        task.Place(Node, "worker-1", Now);

        var resent = task.RecordStartResent("worker-1", TimeSpan.FromSeconds(31), Now.AddSeconds(31));

        Assert.Equal((TaskState.Scheduled, 1, 1), (task.State, task.Attempt, task.StartResends));
        Assert.Equal("StartTask re-sent: node worker-1 reports no container for it after 31 s", resent.Reason);
        // The re-send is the attempt's latest sign of life: the next one is a whole grace later.
        Assert.Equal(Now.AddSeconds(31), task.ScheduledAt);
    }

    [Fact]
    public void A_start_step_or_a_new_placement_counts_the_re_sends_afresh()
    {
        var task = Submitted();
        task.Place(Node, "worker-1", Now);
        task.RecordStartResent("worker-1", TimeSpan.FromSeconds(31), Now);
        task.RecordStartResent("worker-1", TimeSpan.FromSeconds(31), Now);

        task.RecordProgress("pulling image busybox", Now);
        Assert.Equal(0, task.StartResends);

        task.RecordStartResent("worker-1", TimeSpan.FromSeconds(31), Now);
        task.ReleaseFromNode("node worker-1 never started it", Now);
        task.Place(Node, "worker-1", Now);
        Assert.Equal((2, 0), (task.Attempt, task.StartResends));
    }
}
