using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// Checks what the container finds beyond its image: configuration files, secrets as files and as variables, and the
/// image pull policy. A target is unique across files, secrets and mounts. Whether each named secret exists is the
/// StateStore's to check, at admission.
/// </summary>
public static partial class FilesAndSecretsValidator
{
    public const int MaxFiles = 32;
    public const int MaxSecrets = 32;
    public const int MaxSecretEnv = 64;

    internal static void Validate(TaskSpec spec, TaskSpecValidator.ValidationErrors errors)
    {
        var targets = spec.MountsOrEmpty
            .Where(mount => mount is not null && TaskSpecValidator.IsAbsolutePath(mount.Target))
            .Select(mount => TaskSpecValidator.ComparableTarget(mount.Target))
            .ToHashSet(StringComparer.Ordinal);
        ValidateFiles(spec.Files, targets, errors);
        ValidateSecretFiles(spec.Secrets, targets, errors);
        ValidateSecretEnv(spec, errors);
        if (spec.ImagePullPolicy is { } policy && !ImagePullPolicy.All.Contains(policy))
            errors.Add("imagePullPolicy", $"imagePullPolicy must be {string.Join(", ", ImagePullPolicy.All.Select(p => $"'{p}'"))}.");
    }

    private static void ValidateFiles(IReadOnlyList<TaskFile>? files, HashSet<string> targets, TaskSpecValidator.ValidationErrors errors)
    {
        if (files is null) return;
        if (files.Count > MaxFiles)
            errors.Add("files", $"At most {MaxFiles} files are allowed.");
        for (var i = 0; i < files.Count; i++)
        {
            var field = $"files[{i}]";
            if (files[i] is not { } file)
            {
                errors.Add(field, "A file may not be null.");
                continue;
            }
            ValidateTarget($"{field}.target", file.Target, targets, errors);
            if (file.Content is null)
                errors.Add($"{field}.content", "content is required (it may be empty).");
            else if (Encoding.UTF8.GetByteCount(file.Content) > TaskFile.MaxContentBytes)
                errors.Add($"{field}.content", $"A file's content may be at most {TaskFile.MaxContentBytes / 1024} KiB; a larger one belongs in the image or a volume.");
            ValidateMode($"{field}.mode", file.Mode, errors);
        }
    }

    private static void ValidateSecretFiles(IReadOnlyList<SecretFile>? secrets, HashSet<string> targets, TaskSpecValidator.ValidationErrors errors)
    {
        if (secrets is null) return;
        if (secrets.Count > MaxSecrets)
            errors.Add("secrets", $"At most {MaxSecrets} secrets are allowed.");
        for (var i = 0; i < secrets.Count; i++)
        {
            var field = $"secrets[{i}]";
            if (secrets[i] is not { } secret)
            {
                errors.Add(field, "A secret may not be null.");
                continue;
            }
            if (!IsSecretName(secret.Name))
            {
                errors.Add($"{field}.name", NameRule);
                continue;
            }
            ValidateTarget($"{field}.target", secret.TargetOrDefault, targets, errors);
            ValidateMode($"{field}.mode", secret.Mode, errors);
        }
    }

    private static void ValidateSecretEnv(TaskSpec spec, TaskSpecValidator.ValidationErrors errors)
    {
        if (spec.SecretEnv is not { } secretEnv) return;
        if (secretEnv.Count > MaxSecretEnv)
            errors.Add("secretEnv", $"At most {MaxSecretEnv} secret variables are allowed.");
        foreach (var (variable, secret) in secretEnv)
        {
            var field = $"secretEnv.{variable}";
            if (!TaskSpecValidator.IsEnvName(variable))
                errors.Add(field, "A variable name must start with a letter or '_' and hold only letters, digits and '_'.");
            else if (variable.StartsWith(TaskSpecValidator.ReservedEnvPrefix, StringComparison.OrdinalIgnoreCase))
                errors.Add(field, $"Variables starting with '{TaskSpecValidator.ReservedEnvPrefix}' are set by the orchestrator.");
            else if (spec.Env?.ContainsKey(variable) == true)
                errors.Add(field, $"{variable} is also in env; a variable has one value.");
            else if (secret is null || !IsSecretName(secret))
                errors.Add(field, NameRule);
        }
    }

    private static void ValidateTarget(string field, string target, HashSet<string> targets, TaskSpecValidator.ValidationErrors errors)
    {
        if (!TaskSpecValidator.IsAbsolutePath(target))
            errors.Add(field, $"target must be an absolute path of at most {TaskSpecValidator.MaxPathLength} characters, without '.' or '..', and not '/'.");
        else if (!targets.Add(TaskSpecValidator.ComparableTarget(target)))
            errors.Add(field, $"{target} is the target of another file, secret or mount.");
    }

    private static void ValidateMode(string field, string? mode, TaskSpecValidator.ValidationErrors errors)
    {
        if (mode is not null && !ModePattern().IsMatch(mode))
            errors.Add(field, "mode is octal permissions such as '0644' or '0400' (no setuid, setgid or sticky bit).");
    }

    /// <summary>A secret's name, as <c>PUT /api/secrets/{name}</c> takes it.</summary>
    public static bool IsSecretName(string? name) => name is not null && TaskSpecValidator.IsName(name);

    public const string NameRule =
        "A secret's name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.";

    [GeneratedRegex("^0?[0-7]{3}$")]
    private static partial Regex ModePattern();
}
