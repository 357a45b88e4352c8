using Orchestrator.WorkerAgent.Extensions;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
var node = builder.AddWorkerAgent();
builder.AddOrchestratorBus(bus => bus.AddWorkerAgentConsumers(node));

builder.Build().Run();
