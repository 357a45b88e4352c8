using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api.Extensions;
using Orchestrator.Api.Security;
using Orchestrator.Gateway;
using Orchestrator.Scheduler.Extensions;
using Orchestrator.StateStore.Extensions;
using Orchestrator.WorkerAgent.Extensions;
using Orchestrator.Web;

namespace Orchestrator.Testing;

/// <summary>
/// Builds each service in-process exactly as its Program.cs does, from the same registration extensions, with
/// configuration pointing at a Postgres and RabbitMQ of the caller's. The bench and the integration tests both
/// build their clusters here.
/// </summary>
public static class InProcessServices
{
    /// <summary>
    /// Settings for a host that shares its process with others, under the caller's own: its bus watchdog, which ends
    /// the process when the bus stalls, would end the whole test run or bench with it.
    /// </summary>
    private static readonly Dictionary<string, string?> SharedProcess = new()
    {
        [$"{BusWatchdogOptions.Section}:{nameof(BusWatchdogOptions.RestartAfter)}"] = "00:00:00",
    };

    public static IHost StateStore(IDictionary<string, string?> configuration, InProcessHostSettings? settings = null)
    {
        var builder = HostBuilder("Orchestrator.StateStore", configuration, settings ?? InProcessHostSettings.Production);
        builder.AddServiceDefaults();
        builder.AddStateStore();
        builder.AddOrchestratorBus(bus => bus.AddStateStoreConsumers());
        return builder.Build();
    }

    public static IHost Scheduler(IDictionary<string, string?> configuration, InProcessHostSettings? settings = null)
    {
        var builder = HostBuilder("Orchestrator.Scheduler", configuration, settings ?? InProcessHostSettings.Production);
        builder.AddServiceDefaults();
        builder.AddScheduler();
        builder.AddOrchestratorBus(bus => bus.AddSchedulerConsumers());
        return builder.Build();
    }

    /// <summary>A real agent on this machine's Docker engine.</summary>
    public static IHost WorkerAgent(IDictionary<string, string?> configuration, InProcessHostSettings? settings = null)
    {
        var builder = HostBuilder("Orchestrator.WorkerAgent", configuration, settings ?? InProcessHostSettings.Production);
        builder.AddServiceDefaults();
        var node = builder.AddWorkerAgent();
        builder.AddWorkerAgentBus(node);
        return builder.Build();
    }

    /// <summary>The Api on a free loopback port; read the address from <see cref="WebApplication.Urls"/> after start.</summary>
    public static WebApplication Api(IDictionary<string, string?> configuration, InProcessHostSettings? settings = null)
    {
        var builder = WebBuilder("Orchestrator.Api", configuration, settings ?? InProcessHostSettings.Production);
        builder.AddServiceDefaults();
        builder.AddApiServices();
        builder.AddOrchestratorBus(bus => bus.AddApiRequestClients(), (context, rabbit) => rabbit.ConfigureApiBus(context));
        var app = builder.Build();
        app.MapOrchestratorApi();
        return app;
    }

    /// <summary>The gateway on a free loopback port, following the catalog of the Api that <c>Gateway:Api</c> names.</summary>
    public static WebApplication Gateway(IDictionary<string, string?> configuration, InProcessHostSettings? settings = null)
    {
        var builder = WebBuilder("Orchestrator.Gateway", configuration, settings ?? InProcessHostSettings.Production);
        builder.AddServiceDefaults();
        builder.AddGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapReverseProxy();
        return app;
    }

    /// <summary>The web UI on a free loopback port, calling the Api that <c>Web:Api</c> names.</summary>
    public static WebApplication Web(IDictionary<string, string?> configuration, InProcessHostSettings? settings = null)
    {
        var builder = WebBuilder("Orchestrator.Web", configuration, settings ?? InProcessHostSettings.Production);
        builder.AddServiceDefaults();
        builder.AddWeb();
        var app = builder.Build();
        app.MapWeb();
        return app;
    }

    /// <summary>A web service's builder, listening on a free loopback port.</summary>
    private static WebApplicationBuilder WebBuilder(string applicationName, IDictionary<string, string?> configuration, InProcessHostSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = settings.Environment,
        });
        builder.Configuration.AddInMemoryCollection(SharedProcess);
        builder.Configuration.AddInMemoryCollection(configuration);
        settings.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    private static HostApplicationBuilder HostBuilder(
        string applicationName, IDictionary<string, string?> configuration, InProcessHostSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = applicationName,
            EnvironmentName = settings.Environment,
        });
        builder.Configuration.AddInMemoryCollection(SharedProcess);
        builder.Configuration.AddInMemoryCollection(configuration);
        settings.ConfigureLogging?.Invoke(builder.Logging);
        return builder;
    }
}
