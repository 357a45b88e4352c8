using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Orchestrator.Tests.Shared;

namespace Orchestrator.ServiceDefaults.Tests;

/// <summary>
/// Every setting a service reads is in <c>docs/deploy.md</c>, as <c>Section:Property</c>: an operator looks there,
/// not in the code. A settings class is a class named <c>*Options</c> with a <c>Section</c> constant, in the
/// services' assemblies; a property that is itself a group of settings is listed by each of its own.
/// </summary>
public sealed class DocumentedSettingsTests
{
    private static readonly Assembly[] Services =
    [
        typeof(Orchestrator.Api.Security.ApiKeyOptions).Assembly,
        typeof(Orchestrator.Domain.Policy.ClusterPolicy).Assembly,
        typeof(Orchestrator.Scheduler.Placement.SchedulerOptions).Assembly,
        typeof(Orchestrator.StateStore.Extensions.StateStoreExtensions).Assembly,
        typeof(Orchestrator.WorkerAgent.AgentOptions).Assembly,
        typeof(Orchestrator.Gateway.GatewayOptions).Assembly,
        typeof(Orchestrator.Web.WebOptions).Assembly,
        typeof(Microsoft.Extensions.Hosting.BusWatchdogOptions).Assembly,
    ];

    private static readonly List<string> SettingNames = Services
        .SelectMany(assembly => assembly.GetTypes())
        .Where(type => type.Name.EndsWith("Options", StringComparison.Ordinal) || type == typeof(Orchestrator.Domain.Policy.ClusterPolicy))
        .SelectMany(type => type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is string section
            ? SettingsOf(type, section)
            : [])
        .ToList();

    public static TheoryData<string> Settings() => new(SettingNames);

    private static IEnumerable<string> SettingsOf(Type type, string prefix) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite)
            .SelectMany(property => IsGroup(property.PropertyType)
                ? SettingsOf(property.PropertyType, $"{prefix}:{property.Name}")
                : [$"{prefix}:{property.Name}"]);

    private static bool IsGroup(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    [Fact]
    public void The_services_have_settings_classes()
    {
        Assert.True(SettingNames.Count >= 30, $"Found only {SettingNames.Count} settings: is a settings class missed?");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Every_setting_is_listed_in_the_deploy_guide(string setting)
    {
        var guide = Repository.ReadFile("docs/deploy.md");

        Assert.True(Regex.IsMatch(guide, $"`{Regex.Escape(setting)}(`|:)"),
            $"docs/deploy.md does not list `{setting}` (its default and what it does)");
    }
}
