using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Gateway;

/// <summary>Where the gateway follows the service catalog from (the <c>Gateway</c> section).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The Api's base address, e.g. <c>http://api.internal:5000</c>; under Aspire, <c>http://api</c>.</summary>
    [Required(ErrorMessage = "must be set to the Api's address")]
    public Uri? Api { get; set; }

    /// <summary>An API key; a read-only one (<c>Api__ReadOnlyKeys__gateway</c>) is all the gateway needs.</summary>
    [Required(ErrorMessage = "must be set: the gateway reads the catalog with an API key")]
    public string? ApiKey { get; set; }

    /// <summary>How long one blocking read of the catalog waits for a change before asking again.</summary>
    public TimeSpan CatalogWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a destination that failed requests is left out before it is tried again (passive health).</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
