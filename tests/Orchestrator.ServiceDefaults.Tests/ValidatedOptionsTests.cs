using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orchestrator.ServiceDefaults.Tests;

/// <summary>A bad setting stops a service as it starts, with one line naming the setting and its value.</summary>
public sealed class ValidatedOptionsTests
{
    private sealed class SampleOptions
    {
        [Positive]
        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

        [Positive]
        public int BatchSize { get; set; } = 100;
    }

    private static IHost HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOptions<SampleOptions>().BindConfiguration("Sample:Section")
            .ValidateSettingsOnStart("Sample:Section");
        return builder.Build();
    }

    [Fact]
    public async Task A_host_with_a_setting_out_of_range_does_not_start_and_names_the_setting()
    {
        using var host = HostWith(new() { ["Sample:Section:Interval"] = "00:00:00" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Sample:Section:Interval must be more than zero (it is 00:00:00)", error.Message);
    }

    [Fact]
    public async Task A_host_with_its_defaults_starts()
    {
        using var host = HostWith([]);

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(100, host.Services.GetRequiredService<IOptions<SampleOptions>>().Value.BatchSize);
    }
}
