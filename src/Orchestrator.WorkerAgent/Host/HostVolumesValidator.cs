using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Host;

/// <summary>
/// The host volumes an operator offers (<c>Agent:HostVolumes</c>) are checked when the agent starts: a name a task
/// can mount, and an absolute path that exists. A bad one would otherwise be offered, placed on, and fail every task
/// that mounts it with the engine's bind error.
/// </summary>
public sealed class HostVolumesValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        foreach (var (volume, offered) in options.HostVolumes)
        {
            var setting = $"{AgentOptions.Section}:HostVolumes:{volume}";
            if (!TaskSpecValidator.IsName(volume))
                failures.Add($"{setting}: the name must be letters, digits, '.', '_' or '-', starting with a letter or digit, as a task's mount source is");
            else if (string.IsNullOrWhiteSpace(offered.Path) || !Path.IsPathFullyQualified(offered.Path))
                failures.Add($"{setting}:Path must be an absolute path on the host (it is '{offered.Path}')");
            else if (!Directory.Exists(offered.Path) && !File.Exists(offered.Path))
                failures.Add($"{setting}:Path {offered.Path} does not exist on this host");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
