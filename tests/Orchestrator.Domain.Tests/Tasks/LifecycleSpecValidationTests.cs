using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class LifecycleSpecValidationTests
{
    private static readonly TaskSpec Valid = new() { Name = "web", Image = "busybox" };

    private static IEnumerable<string> Fields(TaskSpec spec) => TaskSpecValidator.Validate(spec).Keys.Order();

    [Fact]
    public void Lifecycle_fields_within_limits_are_valid()
    {
        var spec = Valid with
        {
            Entrypoint = ["/bin/sh", "-c"],
            WorkingDir = "/srv",
            Labels = new Dictionary<string, string> { ["team"] = "web", ["example.com/tier"] = "front" },
            RestartPolicy = new RestartPolicy { Mode = RestartMode.Always, MaxRestarts = 5, BackoffSeconds = 0, MaxBackoffSeconds = 10 },
            HealthCheck = new HealthCheck { Type = HealthCheckType.Tcp, Port = 8080 },
            StopTimeoutSeconds = 30,
        };
        Assert.Empty(Fields(spec));
    }

    [Fact]
    public void Bad_restart_policy_values_are_each_named()
    {
        var spec = Valid with { RestartPolicy = new RestartPolicy { MaxRestarts = -1, BackoffSeconds = 10, MaxBackoffSeconds = 5 } };
        Assert.Equal(["restartPolicy.maxBackoffSeconds", "restartPolicy.maxRestarts"], Fields(spec));
    }

    [Fact]
    public void Bad_health_check_values_are_each_named()
    {
        var spec = Valid with
        {
            HealthCheck = new HealthCheck { Port = 0, Path = "no-slash", IntervalSeconds = 2, TimeoutSeconds = 5, FailureThreshold = 0, GracePeriodSeconds = -1 },
        };
        Assert.Equal(
            ["healthCheck.failureThreshold", "healthCheck.gracePeriodSeconds", "healthCheck.path", "healthCheck.port", "healthCheck.timeoutSeconds"],
            Fields(spec));
    }

    [Fact]
    public void A_tcp_check_needs_no_path() =>
        Assert.Empty(Fields(Valid with { HealthCheck = new HealthCheck { Type = HealthCheckType.Tcp, Port = 53, Path = "" } }));

    [Fact]
    public void Reserved_and_malformed_labels_are_refused()
    {
        var spec = Valid with { Labels = new Dictionary<string, string> { ["orchestrator.task-id"] = "x", ["-bad"] = "y", ["ok"] = "z" } };
        Assert.Equal(["labels.-bad", "labels.orchestrator.task-id"], Fields(spec));
    }

    [Theory]
    [InlineData("relative/dir")]
    [InlineData("")]
    public void Working_dir_must_be_absolute(string dir) => Assert.Equal(["workingDir"], Fields(Valid with { WorkingDir = dir }));

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void Stop_timeout_is_0_to_300_seconds(int seconds) =>
        Assert.Equal(["stopTimeoutSeconds"], Fields(Valid with { StopTimeoutSeconds = seconds }));

    [Fact]
    public void Stop_timeout_defaults_to_ten_seconds() => Assert.Equal(TimeSpan.FromSeconds(10), Valid.StopTimeout);
}
