using Orchestrator.StateStore.Extensions;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddStateStore();
builder.AddOrchestratorBus(bus => bus.AddStateStoreConsumers());

builder.Build().Run();
