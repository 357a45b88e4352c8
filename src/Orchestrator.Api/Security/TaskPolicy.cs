using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Policy;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Api.Security;

/// <summary>
/// The operator's <see cref="ClusterPolicy"/> (<c>Api:Policy</c>) applied to a task the Api is given: 403 with
/// ProblemDetails naming the rule, before anything is sent to StateStore, so a refused task or job records nothing.
/// </summary>
public sealed class TaskPolicy(IOptionsMonitor<ClusterPolicy> policy)
{
    public const string RuleExtension = "rule";

    /// <summary>The 403 for the first task of <paramref name="tasks"/> the policy refuses, or null when it allows them all.</summary>
    public ProblemHttpResult? Refusal(IEnumerable<(TaskSpec Spec, string Field)> tasks)
    {
        var current = policy.CurrentValue;
        foreach (var (spec, field) in tasks)
        {
            if (current.Check(spec) is not { } refusal)
                continue;
            var where = field.Length == 0 ? "" : $" ({field.TrimEnd('.')})";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "The cluster's policy does not allow this task.",
                detail: $"{refusal.Setting}: {refusal.Reason}{where}. Nothing was recorded.",
                extensions: new Dictionary<string, object?> { [RuleExtension] = refusal.Setting });
        }
        return null;
    }
}

public static class TaskPolicyExtensions
{
    public static TBuilder AddTaskPolicy<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ClusterPolicy>().BindConfiguration(ClusterPolicy.Section).ValidateSettingsOnStart(ClusterPolicy.Section);
        builder.Services.AddSingleton<TaskPolicy>();
        return builder;
    }
}
