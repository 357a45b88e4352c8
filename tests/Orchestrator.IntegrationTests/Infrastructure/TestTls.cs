using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Tests.Shared;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A test cluster's own certificate authority and the one server certificate its broker, database and Api present
/// (for <c>localhost</c> and <c>127.0.0.1</c>), in files as an operator would hold them; and a stranger's authority,
/// which signs nothing the cluster trusts.
/// </summary>
public sealed class TestTls : IDisposable
{
    public const string ServerName = "localhost";

    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-tls-").FullName;

    public TestTls()
    {
        using var authority = TestCertificates.Authority("orchestrator test CA");
        using var stranger = TestCertificates.Authority("a stranger's CA");
        using var server = TestCertificates.Server(authority, ServerName, "127.0.0.1");
        File.WriteAllText(CaFile, authority.ExportCertificatePem());
        File.WriteAllText(StrangerCaFile, stranger.ExportCertificatePem());
        ServerCertificatePem = server.ExportCertificatePem();
        ServerKeyPem = server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(ServerCertificateFile, ServerCertificatePem);
        File.WriteAllText(ServerKeyFile, ServerKeyPem);
    }

    /// <summary>The cluster's authority, as <c>Tls:CaFile</c> and Npgsql's <c>Root Certificate</c> take it.</summary>
    public string CaFile => Path.Combine(_directory, "ca.pem");

    /// <summary>An authority that signed none of the cluster's certificates.</summary>
    public string StrangerCaFile => Path.Combine(_directory, "stranger-ca.pem");

    public string ServerCertificateFile => Path.Combine(_directory, "server.crt");

    public string ServerKeyFile => Path.Combine(_directory, "server.key");

    public string ServerCertificatePem { get; }

    public string ServerKeyPem { get; }

    /// <summary>An HTTP handler that trusts servers as a service configured with <paramref name="caFile"/> does.</summary>
    public static HttpClientHandler TrustingOnly(string caFile)
    {
        var validate = Microsoft.Extensions.Hosting.ClusterTls.ServerValidator(new Microsoft.Extensions.Hosting.ClusterTlsOptions { CaFile = caFile });
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) => validate(message, certificate, chain, errors),
        };
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
