using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tests;

/// <summary>What a job's spec becomes in its tasks' spec, and when that is a new revision; pure, no database.</summary>
public sealed class JobRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskSpec Task = new() { Image = "busybox" };

    [Fact]
    public void A_jobs_datacenters_are_in_its_tasks_spec()
    {
        var job = JobRecord.Create("web", new JobSpec { Task = Task, Datacenters = ["eu-west"] }, Now);

        Assert.Equal(["eu-west"], job.TaskSpecFor(1).Datacenters);
    }

    [Fact]
    public void A_change_of_datacenters_is_a_new_revision_and_the_same_ones_said_on_the_task_are_not()
    {
        var job = JobRecord.Create("web", new JobSpec { Task = Task, Datacenters = ["eu-west"] }, Now);

        job.Apply(new JobSpec { Task = Task with { Datacenters = ["eu-west"] } }, Now);
        Assert.Equal(1, job.Revision);

        job.Apply(new JobSpec { Task = Task, Datacenters = ["eu-west", "eu-central"] }, Now);
        Assert.Equal(2, job.Revision);
        Assert.Equal(["eu-west", "eu-central"], job.Spec.Datacenters);

        job.Apply(new JobSpec { Task = Task, Datacenters = [] }, Now);
        Assert.Equal(3, job.Revision);
        Assert.Null(job.Spec.Datacenters);
        job.Apply(new JobSpec { Task = Task }, Now);
        Assert.Equal(3, job.Revision);
    }
}
