using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.AspNetCore.Http.Timeouts;
using Orchestrator.Api.Apis;
using Orchestrator.Contracts;
using Orchestrator.Api.Security;
using Scalar.AspNetCore;

namespace Orchestrator.Api.Extensions;

public static class ApiExtensions
{
    /// <summary>How long the Api waits for StateStore before answering 503.</summary>
    public static readonly RequestTimeout StateStoreTimeout = RequestTimeout.After(s: 10);

    /// <summary>
    /// A request client for the agent of <paramref name="nodeId"/>, on its own queue: what only the node's engine knows
    /// (a task's output, its volumes) is asked of the agent itself, within the same time as a request to StateStore.
    /// </summary>
    public static IRequestClient<T> AgentRequestClient<T>(this IBus bus, Guid nodeId) where T : class =>
        bus.CreateRequestClient<T>(QueueAddress.Of(AgentQueue.Name(nodeId)), StateStoreTimeout);

    /// <summary>
    /// The deadline of a whole request under /api, longer than <see cref="StateStoreTimeout"/>: that timeout counts
    /// from the request's send, and a send the broker never confirms would otherwise hold the caller indefinitely.
    /// </summary>
    public static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(15);

    public const string DeadlinePolicy = "api-deadline";

    public static TBuilder AddApiServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<IdempotencyKeyReusedHandler>();
        builder.Services.AddExceptionHandler<StateStoreUnavailableHandler>();
        // A value that cannot be bound (?limit=abc) is thrown, so BadRequestHandler can name it in a ValidationProblem.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.AddRequestLimits();
        builder.AddStoreReads();
        builder.Services.AddRequestTimeouts(options => options.AddPolicy(DeadlinePolicy, new RequestTimeoutPolicy
        {
            Timeout = RequestDeadline,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = StateStoreUnavailableHandler.WriteDeadlinePassedAsync,
        }));
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.AddApiKeyAuthentication();
        builder.AddKeyRateLimits();
        builder.AddTaskPolicy();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<ApiKeySecuritySchemeTransformer>());
        builder.Services.AddSingleton<Apis.SpecReader>();
        builder.Services.AddScoped<Apis.TaskLogStreamer>();
        builder.Services.AddSingleton<Secrets.SecretSealer.IntakeKeyCache>();
        builder.Services.AddScoped<Secrets.SecretSealer>();
        builder.Services.AddScoped<Secrets.SecretReferences>();
        builder.Services.AddSingleton<Apis.CatalogWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Apis.CatalogWatch>());
        builder.Services.AddScoped<Apis.CatalogServices>();
        builder.Services.AddSingleton<ReplyEndpoint>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ReplyEndpoint>());
        return builder;
    }

    /// <summary>
    /// The Api keeps nothing: every write is a request to StateStore over the bus, as are the reads of secrets and
    /// registries (whose tables the Api's database role does not reach). Other reads go to the store (<see cref="StoreReads"/>).
    /// </summary>
    public static IBusRegistrationConfigurator AddApiRequestClients(this IBusRegistrationConfigurator bus)
    {
        bus.AddRequestClient<SubmitTask>(StateStoreTimeout);
        bus.AddRequestClient<CancelTask>(StateStoreTimeout);
        bus.AddRequestClient<ReleaseTaskVolumes>(StateStoreTimeout);
        bus.AddRequestClient<DrainNode>(StateStoreTimeout);
        bus.AddRequestClient<MarkNodeReady>(StateStoreTimeout);
        bus.AddRequestClient<ApplyJob>(StateStoreTimeout);
        bus.AddRequestClient<ScaleJob>(StateStoreTimeout);
        bus.AddRequestClient<RunJobNow>(StateStoreTimeout);
        bus.AddRequestClient<PromoteJob>(StateStoreTimeout);
        bus.AddRequestClient<RestartJob>(StateStoreTimeout);
        bus.AddRequestClient<RevertJob>(StateStoreTimeout);
        bus.AddRequestClient<DeleteJob>(StateStoreTimeout);
        bus.AddRequestClient<GetSecretIntakeKey>(StateStoreTimeout);
        bus.AddRequestClient<SetSecret>(StateStoreTimeout);
        bus.AddRequestClient<ListSecrets>(StateStoreTimeout);
        bus.AddRequestClient<DeleteSecret>(StateStoreTimeout);
        bus.AddRequestClient<SetRegistryCredentials>(StateStoreTimeout);
        bus.AddRequestClient<ListRegistries>(StateStoreTimeout);
        bus.AddRequestClient<DeleteRegistryCredentials>(StateStoreTimeout);
        return bus;
    }

    /// <summary>
    /// The whole HTTP surface: error handling, health, OpenAPI and its page (open, so a caller can learn how to
    /// authenticate), and tasks, jobs and nodes under /api, which need an API key.
    /// </summary>
    public static WebApplication MapOrchestratorApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapDefaultEndpoints();
        var api = app.MapGroup("/api").RequireApiKey().RequireRateLimiting(KeyRateLimits.Policy);
        api.WithRequestTimeout(DeadlinePolicy);
        api.AddEndpointFilter<RequestDeadlineFilter>();
        api.AddEndpointFilter<ReplyEndpointFilter>();
        api.AddEndpointFilter<IdempotentWriteFilter>();
        api.MapTasksApi();
        api.MapNodesApi().MapNodeVolumesApi();
        api.MapJobsApi();
        api.MapSecretsApi();
        api.MapRegistriesApi();
        api.MapServicesApi();
        api.MapAuditApi();
        api.MapClusterApi();
        return app;
    }
}
