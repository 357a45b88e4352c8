using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// Checks the container options of a <see cref="TaskSpec"/> (user, capabilities, ulimits, stop signal, shm, logs)
/// against what the engine and the kernel accept, so that a typo is a 400 naming the field rather than a task that
/// fails on its node.
/// </summary>
public static partial class ContainerOptionsValidator
{
    /// <summary>The kernel's capabilities (capabilities(7)), as the engine names them without the <c>CAP_</c> prefix.</summary>
    public static readonly FrozenSet<string> Capabilities = FrozenSet.ToFrozenSet(
    [
        "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF", "CHECKPOINT_RESTORE", "CHOWN",
        "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE",
        "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST",
        "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT",
        "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME",
        "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM",
    ]);

    /// <summary>The limits setrlimit(2) knows, by the names the engine takes.</summary>
    public static readonly FrozenSet<string> UlimitNames = FrozenSet.ToFrozenSet(
    [
        "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
        "rttime", "sigpending", "stack",
    ]);

    /// <summary>
    /// The signals a container may be asked to stop with; <c>SIGRTMIN+3</c> is how systemd, as PID 1 of an image that
    /// runs it, is asked to halt.
    /// </summary>
    public static readonly FrozenSet<string> StopSignals = FrozenSet.ToFrozenSet(
    [
        "SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGKILL", "SIGWINCH", "SIGPWR", "SIGSTOP", "SIGRTMIN+3",
    ]);

    public const int MaxCapabilities = 64;
    public const int MaxUlimits = 32;

    internal static void Validate(TaskSpec spec, TaskSpecValidator.ValidationErrors errors)
    {
        if (spec.User is { } user && (user.Length > TaskSpecValidator.MaxUserLength || !UserPattern().IsMatch(user)))
            errors.Add("user", "user must be a name or uid, optionally followed by ':' and a group name or gid, e.g. 'postgres' or '1000:1000'.");
        ValidateCapabilities("capAdd", spec.CapAdd, allowAll: false, errors);
        ValidateCapabilities("capDrop", spec.CapDrop, allowAll: true, errors);
        if (spec.ShmSizeMb is < 1 or > TaskSpecValidator.MaxShmSizeMb)
            errors.Add("shmSizeMb", $"shmSizeMb must be between 1 and {TaskSpecValidator.MaxShmSizeMb}.");
        ValidateUlimits(spec.Ulimits, errors);
        if (spec.StopSignal is { } signal && !StopSignals.Contains(signal))
            errors.Add("stopSignal", $"stopSignal must be one of {string.Join(", ", StopSignals.Order())}.");
        if (spec.Logs is { } logs)
        {
            if (logs.MaxSizeMb is < 1 or > TaskSpecValidator.MaxLogSizeMb)
                errors.Add("logs.maxSizeMb", $"maxSizeMb must be between 1 and {TaskSpecValidator.MaxLogSizeMb}.");
            if (logs.MaxFiles is < 1 or > TaskSpecValidator.MaxLogFiles)
                errors.Add("logs.maxFiles", $"maxFiles must be between 1 and {TaskSpecValidator.MaxLogFiles}.");
        }
    }

    /// <summary>The engine's name for <paramref name="capability"/>: upper case, without <c>CAP_</c>.</summary>
    public static string Normalize(string capability)
    {
        var upper = capability.ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper[4..] : upper;
    }

    private static void ValidateCapabilities(string field, IReadOnlyList<string>? capabilities, bool allowAll, TaskSpecValidator.ValidationErrors errors)
    {
        if (capabilities is null) return;
        if (capabilities.Count > MaxCapabilities)
            errors.Add(field, $"{field} may list at most {MaxCapabilities} capabilities.");
        for (var i = 0; i < capabilities.Count; i++)
        {
            if (capabilities[i] is not { } capability)
                errors.Add($"{field}[{i}]", "A capability may not be null.");
            else if (Normalize(capability) == "ALL")
            {
                if (!allowAll)
                    errors.Add($"{field}[{i}]", "capAdd cannot add ALL: a container with every capability is a privileged one, which is refused.");
            }
            else if (!Capabilities.Contains(Normalize(capability)))
                errors.Add($"{field}[{i}]", $"'{capability}' is not a Linux capability (e.g. NET_ADMIN, SYS_PTRACE).");
        }
    }

    private static void ValidateUlimits(IReadOnlyList<Ulimit>? ulimits, TaskSpecValidator.ValidationErrors errors)
    {
        if (ulimits is null) return;
        if (ulimits.Count > MaxUlimits)
            errors.Add("ulimits", $"At most {MaxUlimits} ulimits are allowed.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ulimits.Count; i++)
        {
            var field = $"ulimits[{i}]";
            if (ulimits[i] is not { } ulimit)
            {
                errors.Add(field, "A ulimit may not be null.");
                continue;
            }
            if (!UlimitNames.Contains(ulimit.Name))
                errors.Add($"{field}.name", $"name must be one of {string.Join(", ", UlimitNames.Order())}.");
            else if (!names.Add(ulimit.Name))
                errors.Add($"{field}.name", $"The ulimit {ulimit.Name} is listed twice.");
            if (ulimit.Soft is not { } soft)
                errors.Add($"{field}.soft", "A ulimit needs a value: soft, and optionally hard.");
            else if (soft < -1)
                errors.Add($"{field}.soft", "soft must be -1 (unlimited) or more.");
            else if (ulimit.Hard is { } hard && (hard < -1 || (hard != -1 && (soft == -1 || hard < soft))))
                errors.Add($"{field}.hard", "hard must be at least soft (-1 is unlimited).");
        }
    }

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_.-]*|[0-9]+)(:([A-Za-z_][A-Za-z0-9_.-]*|[0-9]+))?\z")]
    private static partial Regex UserPattern();
}
