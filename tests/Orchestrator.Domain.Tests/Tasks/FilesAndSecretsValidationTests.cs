using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

/// <summary>Files, secrets and the pull policy of a spec: each bad value is refused and named by its path in the body.</summary>
public sealed class FilesAndSecretsValidationTests
{
    private static readonly TaskSpec Valid = new() { Name = "app", Image = "team/app:1.2" };

    private static IEnumerable<string> Fields(TaskSpec spec) => TaskSpecValidator.Validate(spec).Keys.Order();

    [Fact]
    public void A_spec_with_files_secrets_and_a_pull_policy_within_limits_is_valid()
    {
        var spec = Valid with
        {
            Files = [new TaskFile { Target = "/etc/app/app.yaml", Content = "port: 8080\n", Mode = "0644" }],
            Secrets = [new SecretFile { Name = "db-password" }, new SecretFile { Name = "tls.key", Target = "/certs/tls.key", Mode = "400" }],
            SecretEnv = new Dictionary<string, string> { ["DB_PASSWORD"] = "db-password" },
            ImagePullPolicy = "Always",
        };

        Assert.Empty(Fields(spec));
        Assert.Equal(["db-password", "tls.key"], spec.SecretNames.Order());
    }

    [Fact]
    public void A_file_over_64_KiB_is_refused() =>
        Assert.Equal(["files[0].content"], Fields(Valid with { Files = [new TaskFile { Target = "/etc/big", Content = new string('x', 64 * 1024 + 1) }] }));

    [Theory]
    [InlineData("644x")]
    [InlineData("0800")]
    [InlineData("4755")]
    [InlineData("rw-r--r--")]
    public void A_mode_that_is_not_plain_octal_permissions_is_refused(string mode)
    {
        Assert.Equal(["files[0].mode"], Fields(Valid with { Files = [new TaskFile { Target = "/etc/a", Content = "", Mode = mode }] }));
        Assert.Equal(["secrets[0].mode"], Fields(Valid with { Secrets = [new SecretFile { Name = "s", Mode = mode }] }));
    }

    [Fact]
    public void A_target_is_unique_across_files_secrets_and_mounts()
    {
        var spec = Valid with
        {
            Mounts = [new Mount { Type = Mount.TmpfsType, Target = "/run/secrets/db", SizeMb = 1 }],
            Files = [new TaskFile { Target = "/etc/a", Content = "" }, new TaskFile { Target = "//etc/a/", Content = "" }],
            Secrets = [new SecretFile { Name = "db" }],
        };

        Assert.Equal(["files[1].target", "secrets[0].target"], Fields(spec));
    }

    [Theory]
    [InlineData("relative/path")]
    [InlineData("/")]
    [InlineData("/etc/../shadow")]
    public void A_target_that_is_not_a_plain_absolute_path_is_refused(string target) =>
        Assert.Equal(["files[0].target"], Fields(Valid with { Files = [new TaskFile { Target = target, Content = "" }] }));

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData("has/slash")]
    public void A_secret_name_that_is_not_a_name_is_refused(string name)
    {
        Assert.Equal(["secrets[0].name"], Fields(Valid with { Secrets = [new SecretFile { Name = name }] }));
        Assert.Equal(["secretEnv.KEY"], Fields(Valid with { SecretEnv = new Dictionary<string, string> { ["KEY"] = name } }));
    }

    [Fact]
    public void A_secret_variable_that_is_reserved_malformed_or_also_plain_env_is_refused()
    {
        var spec = Valid with
        {
            Env = new Dictionary<string, string> { ["TOKEN"] = "plain" },
            SecretEnv = new Dictionary<string, string> { ["TOKEN"] = "api-token", ["ORCHESTRATOR_X"] = "s", ["1BAD"] = "s" },
        };

        Assert.Equal(["secretEnv.1BAD", "secretEnv.ORCHESTRATOR_X", "secretEnv.TOKEN"], Fields(spec));
    }

    [Fact]
    public void An_unknown_pull_policy_is_refused() =>
        Assert.Equal(["imagePullPolicy"], Fields(Valid with { ImagePullPolicy = "Sometimes" }));

    [Theory]
    [InlineData("busybox", null, "Always")]
    [InlineData("busybox:latest", null, "Always")]
    [InlineData("registry:5000/team/app", null, "Always")]
    [InlineData("team/app:1.2", null, "IfNotPresent")]
    [InlineData("team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null, "IfNotPresent")]
    [InlineData("busybox:latest", "Never", "Never")]
    public void The_pull_policy_defaults_by_the_images_tag_as_in_Kubernetes(string image, string? policy, string expected) =>
        Assert.Equal(expected, ImagePullPolicy.For(image, policy));
}
