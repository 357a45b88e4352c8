using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The files a task's container finds beyond its image (<c>files[]</c> and <c>secrets[]</c>), written for each attempt
/// into a directory of its own under <see cref="AgentOptions.TaskFilesPath"/>, which must be in memory (tmpfs), and
/// bind-mounted read-only at their targets. The directory lives as long as the attempt's container: it is removed with
/// it, and recreated when a restart in place finds it gone (a host reboot empties tmpfs).
/// </summary>
/// <remarks>
/// Each node has a directory of its own under the path, so agents that share a host (tests, the AppHost) never sweep
/// each other's files.
/// </remarks>
public sealed partial class TaskFileMounts(NodeIdentity node, IOptions<AgentOptions> options, ILogger<TaskFileMounts> logger)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The file systems whose files live in memory only.</summary>
    public static readonly IReadOnlySet<string> InMemoryFileSystems = new HashSet<string>(StringComparer.Ordinal) { "tmpfs", "ramfs" };

    /// <summary>Whether the task has files to be written for it.</summary>
    public static bool Needs(TaskSpec spec) => spec.FilesOrEmpty.Count > 0 || spec.SecretsOrEmpty.Count > 0;

    /// <summary>The attempt's directory on the host.</summary>
    public static string DirectoryOf(AgentOptions options, Guid nodeId, Guid taskId, int attempt) =>
        Path.Combine(NodeDirectoryOf(options, nodeId), $"{taskId:N}-{attempt}");

    /// <summary>Where <c>files[index]</c> of the attempt is on the host.</summary>
    public static string FileSource(AgentOptions options, Guid nodeId, ContainerLaunch launch, int index) =>
        Path.Combine(DirectoryOf(options, nodeId, launch.TaskId, launch.Attempt), $"file-{index}");

    /// <summary>Where <c>secrets[index]</c> of the attempt is on the host.</summary>
    public static string SecretSource(AgentOptions options, Guid nodeId, ContainerLaunch launch, int index) =>
        Path.Combine(DirectoryOf(options, nodeId, launch.TaskId, launch.Attempt), $"secret-{index}");

    private static string NodeDirectoryOf(AgentOptions options, Guid nodeId) => Path.Combine(options.TaskFilesPath, nodeId.ToString("N"));

    public bool Exists(Guid taskId, int attempt) => Directory.Exists(DirectoryOf(options.Value, node.Id, taskId, attempt));

    /// <summary>
    /// Writes the attempt's files, unless its directory is there already (a repeated start): into a directory of its
    /// own first, then moved into place whole, so a container never finds half of them.
    /// </summary>
    /// <param name="secrets">The values of the secrets the task uses, by name.</param>
    /// <exception cref="ContainerStartException">A file could not be written or given its owner.</exception>
    public void Write(ContainerLaunch launch, IReadOnlyDictionary<string, byte[]> secrets)
    {
        if (!OperatingSystem.IsLinux())
            throw new ContainerStartException("a task's files and secrets need a Linux node");
        var spec = launch.Spec;
        var directory = DirectoryOf(options.Value, node.Id, launch.TaskId, launch.Attempt);
        if (Directory.Exists(directory))
            return;
        var owner = OwnerOf(spec.User);
        var staging = $"{directory}.writing-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(directory)!, OwnerOnly);
            Directory.CreateDirectory(staging, OwnerOnly);
            for (var i = 0; i < spec.FilesOrEmpty.Count; i++)
            {
                var file = spec.FilesOrEmpty[i];
                WriteFile(Path.Combine(staging, $"file-{i}"), Encoding.UTF8.GetBytes(file.Content ?? ""), file.ModeOrDefault, owner);
            }
            for (var i = 0; i < spec.SecretsOrEmpty.Count; i++)
            {
                var secret = spec.SecretsOrEmpty[i];
                if (!secrets.TryGetValue(secret.Name, out var value))
                    throw new ContainerStartException($"the value of secret '{secret.Name}' did not reach this node");
                WriteFile(Path.Combine(staging, $"secret-{i}"), value, secret.ModeOrDefault, owner);
            }
            Directory.Move(staging, directory);
        }
        catch (IOException) when (Directory.Exists(directory))
        {
            // A concurrent start of the same attempt moved its own copy into place first: the same files.
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ContainerStartException($"the task's files could not be written under {options.Value.TaskFilesPath} (Agent:TaskFilesPath): {error.Message}", error);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    [SupportedOSPlatform("linux")]
    private static void WriteFile(string path, byte[] content, string mode, (uint Uid, uint Gid)? owner)
    {
        // Created with no permissions, so nobody reads it between its write and its mode.
        using (var stream = new FileStream(path, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserWrite,
               }))
            stream.Write(content);
        if (owner is { } id && Chown(path, id.Uid, id.Gid) != 0)
            throw new ContainerStartException(
                $"the task's files could not be given to user {id.Uid}:{id.Gid} (error {Marshal.GetLastPInvokeError()}); the agent must run as root to do so");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
    }

    /// <summary>
    /// The owner of the task's files: the container's user when it is given by number (<c>1000</c> or <c>1000:1000</c>),
    /// so a 0400 secret is readable by it; else the agent's own user (root). A user given by name is looked up in the
    /// image, which the agent cannot read: such a task gives its files a mode others can read.
    /// </summary>
    public static (uint Uid, uint Gid)? OwnerOf(string? user)
    {
        if (user is null || NumericUser().Match(user) is not { Success: true } match)
            return null;
        var uid = uint.Parse(match.Groups["uid"].Value, CultureInfo.InvariantCulture);
        // The engine runs a user given without a group, and unknown to the image, in group 0.
        var gid = match.Groups["gid"].Success ? uint.Parse(match.Groups["gid"].Value, CultureInfo.InvariantCulture) : 0;
        return (uid, gid);
    }

    [GeneratedRegex("^(?<uid>[0-9]{1,9})(:(?<gid>[0-9]{1,9}))?$")]
    private static partial Regex NumericUser();

    /// <summary>Removes the attempt's files; nothing when there are none.</summary>
    public void Remove(Guid taskId, int attempt) => Delete(DirectoryOf(options.Value, node.Id, taskId, attempt));

    /// <summary>Removes the files of every attempt of this node but those whose containers exist.</summary>
    public void RemoveAllBut(IEnumerable<(Guid TaskId, int Attempt)> existing)
    {
        var nodeDirectory = NodeDirectoryOf(options.Value, node.Id);
        if (!Directory.Exists(nodeDirectory))
            return;
        var kept = existing.Select(c => DirectoryOf(options.Value, node.Id, c.TaskId, c.Attempt)).ToHashSet(StringComparer.Ordinal);
        foreach (var directory in Directory.EnumerateDirectories(nodeDirectory).Where(d => !kept.Contains(d)).ToList())
        {
            Delete(directory);
            logger.LogInformation("Removed the task files in {Directory}: their container is gone", directory);
        }
    }

    private void Delete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(error, "Could not remove the task files in {Directory}", directory);
        }
    }

    /// <summary>
    /// The file system <paramref name="path"/> is on, by the longest mount point that holds it in
    /// <paramref name="mountInfo"/> (<c>/proc/self/mountinfo</c>); null when none does.
    /// </summary>
    public static string? FileSystemOf(string path, string mountInfo)
    {
        string? bestPoint = null;
        string? bestType = null;
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the mount point is the fifth field, the
            // type the first after the "-" that ends the optional fields.
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
                continue;
            var point = Unescape(fields[4]);
            // A later mount on the same point hides the earlier one, so the last one listed wins a tie.
            if (Holds(point, path) && (bestPoint is null || point.Length >= bestPoint.Length))
                (bestPoint, bestType) = (point, fields[separator + 1]);
        }
        return bestType;
    }

    private static bool Holds(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);

    /// <summary>mountinfo writes a space, tab, newline and backslash in a path as octal escapes (<c>\040</c>).</summary>
    private static string Unescape(string field) =>
        OctalEscape().Replace(field, match => ((char)Convert.ToInt32(match.Groups[1].Value, 8)).ToString());

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex OctalEscape();

    /// <summary>
    /// Whether <paramref name="path"/> is on a file system in memory, as this process sees it: links in the part
    /// that exists are followed (<c>/var/run</c> is <c>/run</c>). The type found is given either way.
    /// </summary>
    public static bool IsInMemory(string path, out string? fileSystem)
    {
        fileSystem = null;
        try
        {
            fileSystem = FileSystemOf(ResolveExisting(Path.GetFullPath(path)), File.ReadAllText("/proc/self/mountinfo"));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
        return fileSystem is not null && InMemoryFileSystems.Contains(fileSystem);
    }

    /// <summary>The path with the links in its existing part followed, one segment at a time.</summary>
    private static string ResolveExisting(string path)
    {
        var resolved = "/";
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, segment);
            var target = Directory.Exists(next) ? new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true) : null;
            resolved = target?.FullName ?? next;
        }
        return resolved;
    }

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown(string path, uint owner, uint group);
}
