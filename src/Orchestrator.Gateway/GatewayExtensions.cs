using Orchestrator.Gateway.Catalog;
using Yarp.ReverseProxy.Configuration;

namespace Orchestrator.Gateway;

public static class GatewayExtensions
{
    /// <summary>The proxy, with routes that start empty and follow the catalog (<see cref="CatalogFollower"/>).</summary>
    public static TBuilder AddGateway<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateSettingsOnStart(GatewayOptions.Section)
            .Validate(options => !ClusterTls.Read(builder.Configuration).Required || options.Api?.Scheme == Uri.UriSchemeHttps,
                $"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Required)} is set, and {GatewayOptions.Section}:Api is not an https:// address.");
        builder.Services.AddReverseProxy().LoadFromMemory([], []);
        builder.Services.AddSingleton<GatewayTelemetry>();
        builder.Services.AddSingleton<CatalogFollower>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CatalogFollower>());
        return builder;
    }
}
