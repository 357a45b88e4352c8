using Orchestrator.Scheduler.Extensions;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddScheduler();
builder.AddOrchestratorBus(bus => bus.AddSchedulerConsumers());

builder.Build().Run();
