using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The settings every service of a test cluster runs with, in-process (<see cref="ClusterFixtureBase"/>) or as a
/// process of its own (<see cref="ServiceProcess"/>): where the database and the broker are, short intervals so that
/// tests see the cluster move within seconds, and the Api's keys.
/// </summary>
public static class ServiceSettings
{
    /// <param name="database">The Npgsql connection string, one host or several.</param>
    /// <param name="broker">The amqp:// URI, one host or several.</param>
    public static Dictionary<string, string?> For(string database, string broker) => new()
    {
        ["ConnectionStrings:orchestratordb"] = database,
        ["ConnectionStrings:messaging"] = broker,
        ["Agent:HeartbeatInterval"] = "00:00:01",
        // No registry is reachable, and tests send no traffic off this machine.
        ["Agent:PullMissingImages"] = "false",
        // The in-process agents share the host's engine, whose images other tests need: no agent here removes any.
        ["Agent:ImageGc:Enabled"] = "false",
        ["Agent:TaskFilesPath"] = TestAgentPaths.TaskFiles,
        ["Scheduler:SweepInterval"] = "00:00:01",
        ["StateStore:Metrics:RefreshInterval"] = "00:00:01",
        // Tests that stop an agent expect its node Down within the TTL, however soon after the cluster started.
        ["StateStore:Liveness:StartupGrace"] = "00:00:01",
        ["StateStore:Jobs:ReconcileInterval"] = "00:00:01",
        // The operator's key for secrets: new for every cluster, as the database is.
        ["StateStore:Secrets:Key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Logging:LogLevel:Default"] = "Warning",
        ["Api:Keys:tests"] = ClusterFixtureBase.ApiKey,
        ["Api:ReadOnlyKeys:viewer"] = ClusterFixtureBase.ReadOnlyApiKey,
        // Tests submit bursts of 200 at once with one key; ApiRateLimitTests runs an Api of its own at a low limit.
        ["Api:RateLimit:Burst"] = "1000",
    };

    /// <summary>
    /// TLS required on every hop, with the cluster's own authority: the Api serves https only, with the server
    /// certificate (<see cref="For"/> is given the TLS database and broker).
    /// </summary>
    public static Dictionary<string, string?> RequiringTls(TestTls tls) => new()
    {
        ["Tls:Required"] = "true",
        ["Tls:CaFile"] = tls.CaFile,
        ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
        ["Kestrel:Endpoints:Https:Certificate:Path"] = tls.ServerCertificateFile,
        ["Kestrel:Endpoints:Https:Certificate:KeyPath"] = tls.ServerKeyFile,
    };
}
