using Orchestrator.WorkerAgent.Extensions;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddWorkerAgent();
builder.AddOrchestratorBus(bus => bus.AddWorkerAgentConsumers());

builder.Build().Run();
