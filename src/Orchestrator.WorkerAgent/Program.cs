using Orchestrator.WorkerAgent.Extensions;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
var node = builder.AddWorkerAgent();
builder.AddWorkerAgentBus(node);

builder.Build().Run();
