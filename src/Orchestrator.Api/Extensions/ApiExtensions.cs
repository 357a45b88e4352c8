using System.Text.Json.Serialization;
using MassTransit;
using Orchestrator.Api.Apis;
using Orchestrator.Contracts;
using Scalar.AspNetCore;

namespace Orchestrator.Api.Extensions;

public static class ApiExtensions
{
    /// <summary>How long the Api waits for StateStore before answering 503.</summary>
    public static readonly RequestTimeout StateStoreTimeout = RequestTimeout.After(s: 10);

    public static TBuilder AddApiServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StateStoreUnavailableHandler>();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<Apis.TaskSpecReader>();
        builder.Services.AddScoped<Apis.TaskLogStreamer>();
        return builder;
    }

    /// <summary>The Api keeps nothing: every read and write is a request to StateStore over the bus.</summary>
    public static IBusRegistrationConfigurator AddApiRequestClients(this IBusRegistrationConfigurator bus)
    {
        bus.AddRequestClient<SubmitTask>(StateStoreTimeout);
        bus.AddRequestClient<CancelTask>(StateStoreTimeout);
        bus.AddRequestClient<GetTask>(StateStoreTimeout);
        bus.AddRequestClient<ListTasks>(StateStoreTimeout);
        bus.AddRequestClient<ListNodes>(StateStoreTimeout);
        bus.AddRequestClient<GetTaskEvents>(StateStoreTimeout);
        bus.AddRequestClient<DrainNode>(StateStoreTimeout);
        bus.AddRequestClient<MarkNodeReady>(StateStoreTimeout);
        return bus;
    }

    /// <summary>The whole HTTP surface: error handling, health, OpenAPI and its page, tasks and nodes.</summary>
    public static WebApplication MapOrchestratorApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapDefaultEndpoints();
        app.MapTasksApi();
        app.MapNodesApi();
        return app;
    }
}
