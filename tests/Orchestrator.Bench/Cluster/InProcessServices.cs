using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api.Extensions;
using Orchestrator.Scheduler.Extensions;
using Orchestrator.StateStore.Extensions;
using Orchestrator.WorkerAgent.Extensions;

namespace Orchestrator.Bench.Cluster;

/// <summary>
/// Builds each service in-process exactly as its Program.cs does, from the same registration extensions, as the
/// integration tests' ServiceHosts does, with configuration pointing at the bench's own Postgres and RabbitMQ.
/// </summary>
public static class InProcessServices
{
    public static IHost StateStore(IDictionary<string, string?> configuration)
    {
        var builder = HostBuilder("Orchestrator.StateStore", configuration);
        builder.AddServiceDefaults();
        builder.AddStateStore();
        builder.AddOrchestratorBus(bus => bus.AddStateStoreConsumers());
        return builder.Build();
    }

    public static IHost Scheduler(IDictionary<string, string?> configuration)
    {
        var builder = HostBuilder("Orchestrator.Scheduler", configuration);
        builder.AddServiceDefaults();
        builder.AddScheduler();
        builder.AddOrchestratorBus(bus => bus.AddSchedulerConsumers());
        return builder.Build();
    }

    /// <summary>A real agent on this machine's Docker engine.</summary>
    public static IHost WorkerAgent(IDictionary<string, string?> configuration)
    {
        var builder = HostBuilder("Orchestrator.WorkerAgent", configuration);
        builder.AddServiceDefaults();
        var node = builder.AddWorkerAgent();
        builder.AddOrchestratorBus(bus => bus.AddWorkerAgentConsumers(node));
        return builder.Build();
    }

    /// <summary>The Api on a free loopback port; read the address from <see cref="WebApplication.Urls"/> after start.</summary>
    public static WebApplication Api(IDictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "Orchestrator.Api",
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.AddApiServices();
        builder.AddOrchestratorBus(bus => bus.AddApiRequestClients());
        var app = builder.Build();
        app.MapOrchestratorApi();
        return app;
    }

    private static HostApplicationBuilder HostBuilder(string applicationName, IDictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = applicationName,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        return builder;
    }
}
