using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Tests;

public sealed class HostVolumesValidatorTests
{
    private static IEnumerable<string> Failures(string name, string path) =>
        new HostVolumesValidator().Validate(null, new AgentOptions
        {
            HostVolumes = new() { [name] = new AgentOptions.HostVolumeOptions { Path = path } },
        }).Failures ?? [];

    [Fact]
    public void An_existing_absolute_path_under_a_mountable_name_is_offered() =>
        Assert.Empty(Failures("certs", Path.GetTempPath()));

    [Fact]
    public void A_relative_path_is_refused_naming_the_setting() =>
        Assert.Equal(["Agent:HostVolumes:certs:Path must be an absolute path on the host (it is 'etc/ssl')"], Failures("certs", "etc/ssl"));

    [Fact]
    public void A_path_that_does_not_exist_is_refused_naming_the_setting() =>
        Assert.Equal(["Agent:HostVolumes:certs:Path /nonexistent/certs does not exist on this host"], Failures("certs", "/nonexistent/certs"));

    [Fact]
    public void A_name_no_task_could_mount_is_refused() =>
        Assert.StartsWith("Agent:HostVolumes:-bad: the name must be", Assert.Single(Failures("-bad", Path.GetTempPath())));
}
