using Microsoft.Extensions.Configuration;
using Orchestrator.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: Postgres holds task and node state; RabbitMQ carries every command and event. Both outlive the
// AppHost, and Postgres keeps its data in a volume: a restart of the AppHost must find the tasks it left running, or
// their containers would be strangers to the new control plane. Their generated passwords are kept in the user
// secrets, as the api key is, so the volume's database still opens.
var postgres = builder.AddPostgres("postgres")
    .WithConfiguredImage(builder.Configuration, "Postgres", "orchestrator/postgres:15")
    .WithDataVolume()
    .WithLifetime(ContainerLifetime.Persistent);
var database = postgres.AddDatabase("orchestratordb");

var messaging = builder.AddRabbitMQ("messaging")
    .WithConfiguredImage(builder.Configuration, "RabbitMq", "orchestrator/rabbitmq:3")
    .WithHttpEndpoint(targetPort: 15672, name: "management")
    .WithLifetime(ContainerLifetime.Persistent);

// The key that encrypts the secrets' key ring (StateStore:Secrets:Key), kept in the user secrets like the api key:
// the database's secrets open only with it.
var secretsKey = builder.AddParameter("secrets-key", new GenerateParameterDefault { MinLength = 44, Special = false }, secret: true, persist: true);

// The control plane.
var stateStore = builder.AddProject<Projects.Orchestrator_StateStore>("statestore")
    .WithEnvironment("StateStore__Secrets__Key", secretsKey)
    .WithReference(database).WaitFor(database)
    .WithReference(messaging).WaitFor(messaging);

builder.AddProject<Projects.Orchestrator_Scheduler>("scheduler")
    .WithReference(messaging).WaitFor(messaging)
    .WaitFor(stateStore);

// The key callers of the Api send (the CLI reads it from ORCHESTRATOR_API_KEY). Generated on the first run and kept
// in this AppHost's user secrets: `dotnet user-secrets list --project Orchestrator.AppHost` shows it, and
// `dotnet user-secrets set Parameters:api-key <key> --project Orchestrator.AppHost` replaces it.
var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// The gateway reads the service catalog with a key of its own that may only read.
var gatewayKey = builder.AddParameter("gateway-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

var api = builder.AddProject<Projects.Orchestrator_Api>("api")
    .WithEnvironment("Api__Keys__apphost", apiKey)
    .WithEnvironment("Api__ReadOnlyKeys__gateway", gatewayKey)
    // Reads go to the database itself, in read-only sessions; writes go to StateStore over the bus.
    .WithReference(database)
    .WithReference(messaging).WaitFor(messaging)
    .WaitFor(stateStore)
    .WithHttpHealthCheck("/health");

// The gateway in front of the services tasks declare with a route, on http://localhost:5080 (its launch profile).
builder.AddProject<Projects.Orchestrator_Gateway>("gateway")
    .WithEnvironment("Gateway__Api", api.GetEndpoint("http"))
    .WithEnvironment("Gateway__ApiKey", gatewayKey)
    .WaitFor(api)
    .WithHttpHealthCheck("/health");

// The web UI on http://localhost:5050 (its launch profile): a person signs in with the api key above, or a read-only
// one, and the UI calls the Api with it like any client.
builder.AddProject<Projects.Orchestrator_Web>("web")
    .WithEnvironment("Web__Api", api.GetEndpoint("http"))
    // The dashboard's address (this AppHost's own, from its launch profile), for a task's link to its trace.
    .WithEnvironment("Web__Dashboard", builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] ?? "http://localhost:18888")
    .WaitFor(api)
    .WithHttpHealthCheck("/health");

// Worker agents on this host, each a node of its own with its own data directory.
var agentCount = builder.Configuration.GetValue("WorkerAgents:Count", 2);
for (var i = 1; i <= agentCount; i++)
{
    var nodeName = $"worker-{i}";
    builder.AddProject<Projects.Orchestrator_WorkerAgent>($"worker-agent-{i}")
        .WithEnvironment("Agent__NodeName", nodeName)
        .WithEnvironment("Agent__DataPath", Path.Combine(Path.GetTempPath(), "orchestrator", nodeName))
        // Tasks' files and secrets go on tmpfs: the user's runtime directory, as /run itself is root's.
        .WithEnvironment("Agent__TaskFilesPath", Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") ?? "/dev/shm", "orchestrator", "tasks"))
        // These agents share the developer's own engine: its images are the developer's, not the cluster's to remove.
        .WithEnvironment("Agent__ImageGc__Enabled", "false")
        .WithReference(messaging).WaitFor(messaging)
        .WaitFor(stateStore);
}

builder.Build().Run();
