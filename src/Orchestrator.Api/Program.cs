using Orchestrator.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();
builder.AddOrchestratorBus(bus => bus.AddApiRequestClients());

var app = builder.Build();
app.MapOrchestratorApi();
app.Run();
