using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.ServiceDefaults.Tests;

/// <summary>
/// What <c>Tls:Required</c> refuses, and how a server's certificate is judged against <c>Tls:CaFile</c>. The hops
/// themselves, over real TLS, are in the integration tests (<c>TlsTests</c>).
/// </summary>
public sealed class ClusterTlsTests
{
    private static readonly ClusterTlsOptions Required = new() { Required = true };

    [Fact]
    public void With_tls_required_an_amqp_broker_is_refused_with_one_line_naming_the_setting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ClusterTls.CheckBroker(Required, BrokerAddress.Parse("amqp://u:p@broker/")));

        Assert.Contains("Tls:Required", refused.Message);
        Assert.Contains("amqps://", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        ClusterTls.CheckBroker(Required, BrokerAddress.Parse("amqps://u:p@broker/"));
        ClusterTls.CheckBroker(new ClusterTlsOptions(), BrokerAddress.Parse("amqp://u:p@broker/"));
    }

    [Theory]
    [InlineData("Host=db;Database=o")]
    [InlineData("Host=db;Database=o;SSL Mode=Require")]
    [InlineData("Host=db;Database=o;SSL Mode=VerifyCA")]
    public void With_tls_required_a_database_that_is_not_verified_in_full_is_refused(string connectionString)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ClusterTls.CheckDatabase(Required, connectionString, "ConnectionStrings:orchestratordb"));

        Assert.Contains("SSL Mode=VerifyFull", refused.Message);
        Assert.Contains("ConnectionStrings:orchestratordb", refused.Message);
    }

    [Fact]
    public void With_tls_required_a_database_verified_in_full_is_taken()
    {
        ClusterTls.CheckDatabase(Required, "Host=db;Database=o;SSL Mode=VerifyFull;Root Certificate=/etc/ca.pem", "x");
        ClusterTls.CheckDatabase(new ClusterTlsOptions(), "Host=db;Database=o", "x");
    }

    [Fact]
    public void A_certificate_is_trusted_only_when_it_chains_to_the_configured_authority_and_names_the_host()
    {
        using var authority = TestCertificates.Authority("cluster CA");
        using var stranger = TestCertificates.Authority("someone else's CA");
        using var server = TestCertificates.Server(authority, "broker.internal");
        using var forged = TestCertificates.Server(stranger, "broker.internal");
        var caFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(caFile, authority.ExportCertificatePem());
            var validate = ClusterTls.ServerValidator(new ClusterTlsOptions { CaFile = caFile });

            // The errors are what SslStream reports against the machine's store, which knows neither authority.
            Assert.True(validate(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(validate(this, forged, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(validate(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
            Assert.False(validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public void Without_a_ca_file_only_the_machines_trust_store_decides()
    {
        var validate = ClusterTls.ServerValidator(new ClusterTlsOptions());

        Assert.True(validate(this, null, null, SslPolicyErrors.None));
        Assert.False(validate(this, null, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }
}
