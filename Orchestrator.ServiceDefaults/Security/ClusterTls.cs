using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// TLS between the cluster's parts (section <c>Tls</c>, the same in every service): whether every hop must use it,
/// and which certificate authorities sign the servers' certificates.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Tls";

    /// <summary>
    /// Every hop must be TLS, and a service refuses to start otherwise: the broker's URI must be <c>amqps://</c>, a
    /// database connection string must have <c>SSL Mode=VerifyFull</c>, and the Api and the gateway must listen on
    /// <c>https://</c> only.
    /// </summary>
    public bool Required { get; set; }

    /// <summary>
    /// A PEM file of the certificate authorities that sign the broker's and the Api's certificates, for a cluster with
    /// a CA of its own; a server's certificate must chain to one of them and name the host it was reached by. Unset,
    /// the machine's trust store decides. (Postgres takes its own: <c>Root Certificate</c> in the connection string.)
    /// </summary>
    public string? CaFile { get; set; }
}

/// <summary>How each service holds to <see cref="ClusterTlsOptions"/>.</summary>
public static class ClusterTls
{
    public static ClusterTlsOptions Read(IConfiguration configuration) =>
        configuration.GetSection(ClusterTlsOptions.Section).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();

    /// <summary>Throws, with one line, when TLS is required and the broker is not reached over it.</summary>
    public static void CheckBroker(ClusterTlsOptions tls, BrokerAddress broker)
    {
        if (tls.Required && !broker.Tls)
            throw Refused($"the broker's URI (ConnectionStrings:{MessagingExtensions.ConnectionName}) is amqp://; give an amqps:// one");
    }

    /// <summary>
    /// Throws, with one line, when TLS is required and <paramref name="connectionString"/> (the setting
    /// <paramref name="setting"/>) does not verify the database server's certificate and name.
    /// </summary>
    public static void CheckDatabase(ClusterTlsOptions tls, string connectionString, string setting)
    {
        if (tls.Required && new NpgsqlConnectionStringBuilder(connectionString).SslMode != SslMode.VerifyFull)
            throw Refused($"the database connection string ({setting}) does not have SSL Mode=VerifyFull");
    }

    /// <summary>
    /// Checks a server's certificate: the name it was reached by and a chain to one of <see cref="ClusterTlsOptions.CaFile"/>'s
    /// authorities, or to the machine's trust store when that is unset.
    /// </summary>
    public static RemoteCertificateValidationCallback ServerValidator(ClusterTlsOptions tls)
    {
        if (tls.CaFile is null)
            return (_, _, _, errors) => errors == SslPolicyErrors.None;
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(tls.CaFile);
        if (authorities.Count == 0)
            throw Refused($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.CaFile)} ({tls.CaFile}) holds no certificate");
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };
    }

    /// <summary>
    /// With TLS required, a web service (the Api, the gateway) that listens on plain http:// stops as it starts.
    /// </summary>
    public static void RequireHttpsListeners(IServiceCollection services) => services.AddHostedService<HttpsListenersOnly>();

    private static InvalidOperationException Refused(string why) =>
        new($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Required)} is set, and {why}.");

    private sealed class HttpsListenersOnly(IServiceProvider services) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken)
        {
            if (!Read(services.GetRequiredService<IConfiguration>()).Required
                || services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>() is not { } listening)
                return Task.CompletedTask;
            var plain = listening.Addresses.Where(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)).ToList();
            if (plain.Count > 0)
                throw Refused($"this service listens on {string.Join(", ", plain)}; give it https:// endpoints only (Kestrel:Endpoints, with a certificate)");
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
