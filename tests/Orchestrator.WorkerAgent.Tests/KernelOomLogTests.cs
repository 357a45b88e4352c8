using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

public sealed class KernelOomLogTests
{
    private const string Id = "71d16513dee9e56d01a7d5c70cab8b1e98be8a3c22f4cb2f074e813bfbfc712e";

    [Theory]
    [InlineData("/docker/" + Id)]
    [InlineData("/system.slice/docker-" + Id + ".scope")]
    public void An_oom_kill_record_names_the_victims_container_under_either_cgroup_driver(string memcg)
    {
        var record = "6,2311,319164390,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=" + Id +
            ",mems_allowed=0,oom_memcg=" + memcg + ",task_memcg=" + memcg + ",task=dd,pid=23423,uid=0";

        Assert.True(KernelOomLog.TryParseKill(record, out var containerId, out var sinceBoot));
        Assert.Equal(Id, containerId);
        Assert.Equal(TimeSpan.FromMicroseconds(319164390), sinceBoot);
    }

    [Theory]
    [InlineData("6,2312,319164413,-;Memory cgroup out of memory: Killed process 23423 (dd) total-vm:67804kB")]
    [InlineData("4,2300,319164081,-; oom_kill_process.cold+0x8/0x8a")]
    [InlineData("6,2313,319252990,-;docker0: port 1(vethb3113e1) entered disabled state")]
    [InlineData("oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/docker/" + Id)]
    public void Other_records_name_no_container(string record) =>
        Assert.False(KernelOomLog.TryParseKill(record, out _, out _));
}
