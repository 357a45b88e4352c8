using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

/// <summary>The mounts and container options of a spec: each bad value is refused and named by its path in the body.</summary>
public sealed class MountAndContainerOptionsValidationTests
{
    private static readonly TaskSpec Valid = new() { Name = "db", Image = "postgres:17" };

    private static IEnumerable<string> Fields(TaskSpec spec) => TaskSpecValidator.Validate(spec).Keys.Order();

    private static Mount Volume(string target, string source = "pgdata") => new() { Type = Mount.VolumeType, Source = source, Target = target };

    private static IEnumerable<string> MountFields(params Mount[] mounts) => Fields(Valid with { Mounts = mounts });

    [Fact]
    public void A_stateful_spec_with_every_new_field_within_limits_is_valid()
    {
        var spec = Valid with
        {
            Mounts =
            [
                Volume("/var/lib/postgresql/data"),
                new Mount { Type = Mount.HostType, Source = "certs", Target = "/certs", ReadOnly = true },
                new Mount { Type = Mount.TmpfsType, Target = "/scratch", SizeMb = 64 },
            ],
            User = "999:999",
            ReadOnlyRootFilesystem = true,
            CapAdd = ["NET_ADMIN"],
            CapDrop = ["ALL"],
            ShmSizeMb = 256,
            Ulimits = [new Ulimit { Name = "nofile", Soft = 1024, Hard = 2048 }, new Ulimit { Name = "core", Soft = -1 }],
            StopSignal = "SIGINT",
            Init = true,
            NoNewPrivileges = false,
            Logs = new LogSettings { MaxSizeMb = 50, MaxFiles = 5 },
            Env = new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = "secret" },
        };
        Assert.Empty(Fields(spec));
    }

    [Fact]
    public void Unset_options_take_their_defaults()
    {
        Assert.True(Valid.NoNewPrivilegesOrDefault);
        Assert.Equal(10, Valid.LogsOrDefault.MaxSizeMbOrDefault);
        Assert.Equal(3, Valid.LogsOrDefault.MaxFilesOrDefault);
        Assert.Empty(Valid.MountsOrEmpty);
        Assert.False(Valid.HasVolumes);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("./data")]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/var/../etc")]
    [InlineData("/data/..")]
    [InlineData("/.")]
    [InlineData("/data/./x")]
    public void A_target_that_is_relative_the_root_or_climbs_out_is_refused(string target) =>
        Assert.Equal(["mounts[0].target"], MountFields(Volume(target)));

    [Fact]
    public void A_missing_target_is_refused() =>
        Assert.Equal(["mounts[0].target"], MountFields(Volume(null!)));

    [Theory]
    [InlineData("/data")]
    [InlineData("/data/")]
    [InlineData("//data")]
    public void A_target_mounted_twice_is_named_at_its_second_mount(string second) =>
        Assert.Equal(["mounts[1].target"], MountFields(Volume("/data"), Volume(second, source: "other")));

    [Fact]
    public void A_dotted_name_inside_a_target_is_not_a_parent_directory() =>
        Assert.Empty(MountFields(Volume("/srv/..data/.cache")));

    [Theory]
    [InlineData("bind")]
    [InlineData("Volume")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_mount_type_is_refused(string? type) =>
        Assert.Equal(["mounts[0].type"], MountFields(new Mount { Type = type!, Source = "pgdata", Target = "/data" }));

    [Theory]
    [InlineData("volume", "a b")]
    [InlineData("volume", "/var/lib/data")]
    [InlineData("volume", "-leading-dash")]
    [InlineData("volume", "")]
    [InlineData("volume", null)]
    [InlineData("host", "/etc")]
    [InlineData("host", "../certs")]
    [InlineData("host", null)]
    public void A_source_that_is_not_a_name_is_refused(string type, string? source) =>
        Assert.Equal(["mounts[0].source"], MountFields(new Mount { Type = type, Source = source, Target = "/data" }));

    [Fact]
    public void A_source_longer_than_a_name_is_refused() =>
        Assert.Equal(["mounts[0].source"], MountFields(Volume("/data", source: new string('v', TaskSpecValidator.MaxNameLength + 1))));

    [Fact]
    public void A_tmpfs_without_a_size_is_refused() =>
        Assert.Equal(["mounts[0].sizeMb"], MountFields(new Mount { Type = Mount.TmpfsType, Target = "/scratch" }));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(64L * 1024 + 1)]
    public void A_tmpfs_size_outside_1_MiB_to_64_GiB_is_refused(long sizeMb) =>
        Assert.Equal(["mounts[0].sizeMb"], MountFields(new Mount { Type = Mount.TmpfsType, Target = "/scratch", SizeMb = sizeMb }));

    [Fact]
    public void A_tmpfs_has_no_source() =>
        Assert.Equal(["mounts[0].source"], MountFields(new Mount { Type = Mount.TmpfsType, Source = "scratch", Target = "/scratch", SizeMb = 8 }));

    [Theory]
    [InlineData("volume")]
    [InlineData("host")]
    public void Only_a_tmpfs_has_a_size(string type) =>
        Assert.Equal(["mounts[0].sizeMb"], MountFields(new Mount { Type = type, Source = "pgdata", Target = "/data", SizeMb = 64 }));

    [Fact]
    public void Each_bad_mount_is_named_by_its_index()
    {
        var fields = MountFields(Volume("/ok"), null!, new Mount { Type = "nfs", Target = "relative" });
        Assert.Equal(["mounts[1]", "mounts[2].target", "mounts[2].type"], fields);
    }

    [Fact]
    public void More_than_32_mounts_are_refused() =>
        Assert.Equal(["mounts"], MountFields(Enumerable.Range(0, 33).Select(i => Volume($"/data{i}", source: $"v{i}")).ToArray()));

    [Theory]
    [InlineData("NET_ADMIN")]
    [InlineData("net_admin")]
    [InlineData("CAP_NET_ADMIN")]
    [InlineData("cap_sys_ptrace")]
    public void A_capability_may_be_given_with_or_without_CAP_and_in_any_case(string capability) =>
        Assert.Empty(Fields(Valid with { CapAdd = [capability], CapDrop = [capability] }));

    [Theory]
    [InlineData("NET_ADMINN")]
    [InlineData("CAP_")]
    [InlineData("")]
    [InlineData("PRIVILEGED")]
    public void An_unknown_capability_is_refused_in_either_list(string capability) =>
        Assert.Equal(["capAdd[1]", "capDrop[0]"], Fields(Valid with { CapAdd = ["CHOWN", capability], CapDrop = [capability] }));

    [Theory]
    [InlineData("ALL")]
    [InlineData("all")]
    [InlineData("CAP_ALL")]
    public void Adding_ALL_is_refused_but_dropping_ALL_is_accepted(string all)
    {
        Assert.Equal(["capAdd[0]"], Fields(Valid with { CapAdd = [all] }));
        Assert.Empty(Fields(Valid with { CapDrop = [all] }));
    }

    [Fact]
    public void A_null_capability_is_refused() =>
        Assert.Equal(["capDrop[0]"], Fields(Valid with { CapDrop = [null!] }));

    [Fact]
    public void A_ulimit_without_soft_is_refused() =>
        Assert.Equal(["ulimits[0].soft"], Fields(Valid with { Ulimits = [new Ulimit { Name = "nofile", Hard = 2048 }] }));

    [Theory]
    [InlineData(2048, 1024)]
    [InlineData(-1, 1024)]
    [InlineData(10, -2)]
    public void A_hard_limit_below_the_soft_one_is_refused(long soft, long hard) =>
        Assert.Equal(["ulimits[0].hard"], Fields(Valid with { Ulimits = [new Ulimit { Name = "nofile", Soft = soft, Hard = hard }] }));

    [Theory]
    [InlineData(1024L, 1024L)]
    [InlineData(1024L, -1L)]
    [InlineData(-1L, -1L)]
    [InlineData(0L, null)]
    public void A_hard_limit_at_or_above_soft_or_unlimited_is_accepted(long soft, long? hard) =>
        Assert.Empty(Fields(Valid with { Ulimits = [new Ulimit { Name = "nofile", Soft = soft, Hard = hard }] }));

    [Fact]
    public void A_soft_limit_below_unlimited_is_refused() =>
        Assert.Equal(["ulimits[0].soft"], Fields(Valid with { Ulimits = [new Ulimit { Name = "nproc", Soft = -2 }] }));

    [Theory]
    [InlineData("files")]
    [InlineData("NOFILE")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_ulimit_name_is_refused(string? name) =>
        Assert.Equal(["ulimits[0].name"], Fields(Valid with { Ulimits = [new Ulimit { Name = name!, Soft = 1 }] }));

    [Fact]
    public void A_ulimit_listed_twice_is_named_at_its_second_entry() =>
        Assert.Equal(["ulimits[1].name"], Fields(Valid with
        {
            Ulimits = [new Ulimit { Name = "nofile", Soft = 1024 }, new Ulimit { Name = "nofile", Soft = 2048 }],
        }));

    [Fact]
    public void A_null_ulimit_is_refused() =>
        Assert.Equal(["ulimits[0]"], Fields(Valid with { Ulimits = [null!] }));

    [Theory]
    [InlineData("postgres")]
    [InlineData("www-data")]
    [InlineData("_apt")]
    [InlineData("1000")]
    [InlineData("1000:1000")]
    [InlineData("postgres:staff")]
    public void A_user_is_a_name_or_uid_with_an_optional_group(string user) =>
        Assert.Empty(Fields(Valid with { User = user }));

    [Theory]
    [InlineData("")]
    [InlineData("root user")]
    [InlineData("1000:")]
    [InlineData(":1000")]
    [InlineData("a:b:c")]
    [InlineData("-1")]
    [InlineData("user;rm")]
    public void A_malformed_user_is_refused(string user) =>
        Assert.Equal(["user"], Fields(Valid with { User = user }));

    [Fact]
    public void A_user_longer_than_64_characters_is_refused() =>
        Assert.Equal(["user"], Fields(Valid with { User = new string('u', TaskSpecValidator.MaxUserLength + 1) }));

    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("SIGQUIT")]
    [InlineData("SIGKILL")]
    [InlineData("SIGRTMIN+3")]
    public void A_known_stop_signal_is_accepted(string signal) =>
        Assert.Empty(Fields(Valid with { StopSignal = signal }));

    [Theory]
    [InlineData("SIGNOPE")]
    [InlineData("")]
    [InlineData("sigterm")]
    [InlineData("15")]
    [InlineData("SIGRTMIN+99")]
    public void An_unknown_stop_signal_is_refused(string signal) =>
        Assert.Equal(["stopSignal"], Fields(Valid with { StopSignal = signal }));

    [Theory]
    [InlineData(0)]
    [InlineData(-64)]
    [InlineData(64L * 1024 + 1)]
    public void Shm_size_outside_1_MiB_to_64_GiB_is_refused(long sizeMb) =>
        Assert.Equal(["shmSizeMb"], Fields(Valid with { ShmSizeMb = sizeMb }));

    [Theory]
    [InlineData(0, 3, "logs.maxSizeMb")]
    [InlineData(1025, 3, "logs.maxSizeMb")]
    [InlineData(10, 0, "logs.maxFiles")]
    [InlineData(10, 101, "logs.maxFiles")]
    public void Log_rotation_outside_its_bounds_is_refused(int maxSizeMb, int maxFiles, string field) =>
        Assert.Equal([field], Fields(Valid with { Logs = new LogSettings { MaxSizeMb = maxSizeMb, MaxFiles = maxFiles } }));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1024, 100)]
    public void Log_rotation_at_its_bounds_is_accepted(int maxSizeMb, int maxFiles) =>
        Assert.Empty(Fields(Valid with { Logs = new LogSettings { MaxSizeMb = maxSizeMb, MaxFiles = maxFiles } }));

    [Theory]
    [InlineData("ORCHESTRATOR_TASK_ID")]
    [InlineData("ORCHESTRATOR_PORT_8080")]
    [InlineData("orchestrator_node_name")]
    public void Env_names_starting_ORCHESTRATOR_are_reserved(string name) =>
        Assert.Equal([$"env.{name}"], Fields(Valid with { Env = new Dictionary<string, string> { [name] = "mine", ["ORCHESTRA"] = "ok" } }));

    [Theory]
    [InlineData("job", 2, "job-2-pgdata")]
    [InlineData(null, null, "pgdata")]
    public void A_jobs_slot_has_its_own_volume_and_a_task_of_its_own_uses_the_source(string? job, int? slot, string expected) =>
        Assert.Equal(expected, Mount.VolumeName("pgdata", job, slot));
}
