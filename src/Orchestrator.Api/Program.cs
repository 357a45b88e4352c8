using Orchestrator.Api.Extensions;
using Orchestrator.Api.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();
builder.AddOrchestratorBus(bus => bus.AddApiRequestClients(), (context, rabbit) => rabbit.UseCallerStamp(context));

var app = builder.Build();
app.MapOrchestratorApi();
app.Run();
