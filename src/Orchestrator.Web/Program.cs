using Orchestrator.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWeb();

var app = builder.Build();
app.MapWeb();
app.Run();
