using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Jobs;

public sealed class JobValidatorTests
{
    private static readonly TaskSpec Web = new() { Image = "nginx:1.27" };

    [Fact]
    public void A_job_of_a_valid_task_is_valid_and_its_count_defaults_to_one()
    {
        var spec = new JobSpec { Task = Web };
        Assert.Empty(JobValidator.Validate("web", spec));
        Assert.Equal(1, spec.CountOrDefault);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-web")]
    [InlineData("web server")]
    [InlineData("web\n")]
    [InlineData("a-name-that-is-far-too-long-for-a-job-because-tasks-add-numbers")]
    public void A_bad_name_is_named(string name)
    {
        var errors = JobValidator.Validate(name, new JobSpec { Task = Web });
        Assert.Equal(["name"], errors.Keys);
    }

    [Fact]
    public void The_longest_name_leaves_room_for_a_task_number()
    {
        var name = new string('a', JobValidator.MaxNameLength);
        Assert.Empty(JobValidator.Validate(name, new JobSpec { Task = Web }));
        Assert.Empty(TaskSpecValidator.Validate(Web with { Name = $"{name}-999999" }));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(JobValidator.MaxCount + 1)]
    public void A_count_out_of_range_is_named(int count)
    {
        Assert.Equal(["count"], JobValidator.Validate("web", new JobSpec { Count = count, Task = Web }).Keys);
    }

    [Fact]
    public void A_missing_task_is_named()
    {
        Assert.Equal(["task"], JobValidator.Validate("web", new JobSpec { Count = 2 }).Keys);
    }

    [Fact]
    public void The_task_specs_errors_are_keyed_under_task()
    {
        var errors = JobValidator.Validate("web", new JobSpec { Task = new TaskSpec { Image = "", Resources = new ResourceRequest { Cpu = -1 } } });
        Assert.Equal(["task.image", "task.resources.cpu"], errors.Keys.Order());
    }

    [Fact]
    public void A_task_name_other_than_the_jobs_is_refused_and_the_jobs_own_is_allowed()
    {
        Assert.Equal(["task.name"], JobValidator.Validate("web", new JobSpec { Task = Web with { Name = "api" } }).Keys);
        Assert.Empty(JobValidator.Validate("web", new JobSpec { Task = Web with { Name = "web" } }));
    }

    [Fact]
    public void A_jobs_datacenters_are_names_each_listed_once_keyed_by_their_place()
    {
        var errors = JobValidator.Validate("web", new JobSpec { Task = Web, Datacenters = ["eu-west", "eu west", "eu-west", ""] });

        Assert.Equal(["datacenters[1]", "datacenters[2]", "datacenters[3]"], errors.Keys.Order());
        Assert.Contains("listed twice", errors["datacenters[2]"][0]);
        Assert.Empty(JobValidator.Validate("web", new JobSpec { Task = Web, Datacenters = ["eu-west", "us-east.1"] }));
    }

    [Fact]
    public void The_tasks_datacenters_are_checked_under_task()
    {
        var errors = JobValidator.Validate("web", new JobSpec { Task = Web with { Datacenters = ["ok", "-bad"] } });
        Assert.Equal(["task.datacenters[1]"], errors.Keys);
    }

    [Fact]
    public void Datacenters_on_the_job_and_on_its_task_must_agree()
    {
        var conflicting = new JobSpec { Task = Web with { Datacenters = ["us-east"] }, Datacenters = ["eu-west"] };
        Assert.Equal(["datacenters"], JobValidator.Validate("web", conflicting).Keys);

        var agreeing = new JobSpec { Task = Web with { Datacenters = ["eu-west"] }, Datacenters = ["eu-west"] };
        Assert.Empty(JobValidator.Validate("web", agreeing));
    }

    [Fact]
    public void The_jobs_datacenters_become_its_tasks_and_an_empty_list_is_the_same_as_none()
    {
        Assert.Equal(["eu-west"], new JobSpec { Task = Web, Datacenters = ["eu-west"] }.TaskSpecFor("web").Datacenters);
        Assert.Equal(["eu-west"], new JobSpec { Task = Web with { Datacenters = ["eu-west"] } }.TaskSpecFor("web").Datacenters);
        Assert.Null(new JobSpec { Task = Web, Datacenters = [] }.TaskSpecFor("web").Datacenters);
        Assert.Equal("web", new JobSpec { Task = Web }.TaskSpecFor("web").Name);
    }

    [Fact]
    public void Scaling_needs_a_count_in_range()
    {
        Assert.Equal(["count"], JobValidator.ValidateScale("web", new JobScale()).Keys);
        Assert.Equal(["count"], JobValidator.ValidateScale("web", new JobScale { Count = -3 }).Keys);
        Assert.Empty(JobValidator.ValidateScale("web", new JobScale { Count = 0 }));
    }
}

public sealed class BatchJobValidatorTests
{
    private static readonly TaskSpec Report = new() { Image = "busybox:1.36" };

    [Fact]
    public void A_batch_job_is_valid_with_defaults_of_one_completion_one_at_a_time_and_three_retries()
    {
        var spec = new JobSpec { Type = JobType.Batch, Task = Report };
        Assert.Empty(JobValidator.Validate("report", spec));
        Assert.Equal((1, 1, 3), (spec.CompletionsOrDefault, spec.ParallelismOrDefault, spec.MaxRetriesOrDefault));
    }

    [Fact]
    public void A_batch_job_has_no_count()
    {
        var errors = JobValidator.Validate("report", new JobSpec { Type = JobType.Batch, Count = 2, Task = Report });
        Assert.Equal(["count"], errors.Keys);
    }

    [Theory]
    [InlineData(0, 1, 0, "completions")]
    [InlineData(JobValidator.MaxCount + 1, 1, 0, "completions")]
    [InlineData(1, 0, 0, "parallelism")]
    [InlineData(1, JobValidator.MaxCount + 1, 0, "parallelism")]
    [InlineData(1, 1, -1, "maxRetries")]
    [InlineData(1, 1, JobValidator.MaxRetries + 1, "maxRetries")]
    public void Batch_settings_out_of_range_are_named(int completions, int parallelism, int maxRetries, string field)
    {
        var spec = new JobSpec { Type = JobType.Batch, Completions = completions, Parallelism = parallelism, MaxRetries = maxRetries, Task = Report };
        Assert.Equal([field], JobValidator.Validate("report", spec).Keys);
    }

    [Fact]
    public void A_service_job_refuses_the_batch_settings_by_name()
    {
        var errors = JobValidator.Validate("web", new JobSpec { Completions = 2, Parallelism = 1, MaxRetries = 0, Task = Report });
        Assert.Equal(["completions", "maxRetries", "parallelism"], errors.Keys.Order());
    }

    [Fact]
    public void A_batch_job_whose_tasks_always_restart_could_never_end()
    {
        var task = Report with { RestartPolicy = new RestartPolicy { Mode = RestartMode.Always } };
        var errors = JobValidator.Validate("report", new JobSpec { Type = JobType.Batch, Task = task });
        Assert.Equal(["task.restartPolicy.mode"], errors.Keys);
    }

    [Fact]
    public void An_unknown_type_is_named()
    {
        var errors = JobValidator.Validate("web", new JobSpec { Type = (JobType)7, Task = Report });
        Assert.Equal(["type"], errors.Keys);
    }
}

public sealed class JobGroupsValidatorTests
{
    private static readonly TaskSpec Api = new() { Image = "api:1" };

    [Fact]
    public void A_job_of_groups_is_valid_and_each_group_runs_as_a_job_named_after_both()
    {
        var spec = new JobSpec { Groups = [new JobGroup { Name = "api", Count = 2, Task = Api }, new JobGroup { Name = "proxy", Task = Api }] };
        Assert.Empty(JobValidator.Validate("shop", spec));
        Assert.Equal("shop-api", JobSpec.GroupJobName("shop", "api"));
        Assert.Equal((2, Api), (spec.ForGroup(spec.Groups![0]).Count, spec.ForGroup(spec.Groups[0]).Task));
    }

    [Fact]
    public void Each_bad_group_field_is_named_by_its_path()
    {
        var spec = new JobSpec
        {
            Groups =
            [
                new JobGroup { Name = "api", Count = -1, Task = Api with { Image = "" } },
                new JobGroup { Name = "api", Task = Api },
                new JobGroup { Name = "bad name", Task = Api },
                new JobGroup { Name = "nothing" },
            ],
        };
        Assert.Equal(["groups[0].count", "groups[0].task.image", "groups[1].name", "groups[2].name", "groups[3].task"],
            JobValidator.Validate("shop", spec).Keys.Order());
    }

    [Fact]
    public void A_job_has_either_a_task_or_groups_and_at_least_one_group()
    {
        Assert.Equal(["count", "task"], JobValidator.Validate("shop", new JobSpec { Count = 1, Task = Api, Groups = [new JobGroup { Name = "a", Task = Api }] }).Keys.Order());
        Assert.Equal(["groups"], JobValidator.Validate("shop", new JobSpec { Groups = [] }).Keys);
    }

    [Fact]
    public void A_groups_job_name_must_fit()
    {
        var name = new string('s', JobValidator.MaxNameLength - 2);
        Assert.Equal(["groups[0].name"], JobValidator.Validate(name, new JobSpec { Groups = [new JobGroup { Name = "api", Task = Api }] }).Keys);
    }
}
