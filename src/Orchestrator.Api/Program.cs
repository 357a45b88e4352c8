using Orchestrator.Api.Extensions;
using Orchestrator.Api.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();
builder.AddOrchestratorBus(bus => bus.AddApiRequestClients(), (context, rabbit) => rabbit.ConfigureApiBus(context));

var app = builder.Build();
app.MapOrchestratorApi();
app.Run();
