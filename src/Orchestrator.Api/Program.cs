using Orchestrator.Api.Apis;
using Orchestrator.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();
builder.AddOrchestratorBus(bus => bus.AddApiRequestClients());

var app = builder.Build();

app.UseApiServices();
app.MapDefaultEndpoints();
app.MapTasksApi();
app.MapNodesApi();

app.Run();
