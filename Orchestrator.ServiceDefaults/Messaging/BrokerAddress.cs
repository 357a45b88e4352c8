namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The broker as the <c>messaging</c> connection string names it: an amqp:// or amqps:// (TLS) URI whose authority may
/// list several nodes of one RabbitMQ cluster, comma-separated (<c>amqps://user:password@rabbit1:5671,rabbit2,rabbit3/vhost</c>).
/// A plain URI, as Aspire gives it, is a cluster of one. The client connects to the first node that answers and moves
/// to the next when its connection drops, so no load balancer is needed in front of the cluster. The user is required.
/// </summary>
public sealed record BrokerAddress(IReadOnlyList<BrokerNode> Nodes, string User, string Password, string VirtualHost, bool Tls = false)
{
    public const int DefaultPort = 5672;

    public const int DefaultTlsPort = 5671;

    /// <summary>Reads <paramref name="connectionString"/>, or throws with one line that says what is wrong with it.</summary>
    public static BrokerAddress Parse(string connectionString)
    {
        var tls = connectionString.StartsWith("amqps://", StringComparison.OrdinalIgnoreCase);
        if (!tls && !connectionString.StartsWith("amqp://", StringComparison.OrdinalIgnoreCase))
            throw Invalid("it must start with amqp:// or amqps://");
        var rest = connectionString[(tls ? "amqps://" : "amqp://").Length..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        var at = authority.LastIndexOf('@');
        // No default user: RabbitMQ's guest would be the all-powerful one, and a service or an agent that shares it
        // can read and write every queue. Each names its own.
        if (at < 0)
            throw Invalid("it names no user: give one, as amqp://USER:PASSWORD@HOST");
        var (user, password) = Credentials(authority[..at]);
        if (user.Length == 0)
            throw Invalid("it names no user: give one, as amqp://USER:PASSWORD@HOST");
        var nodes = authority[(at + 1)..].Split(',', StringSplitOptions.TrimEntries).Select(Node).ToList();
        var virtualHost = Uri.UnescapeDataString(path.TrimEnd('/'));
        return new BrokerAddress(nodes, user, password, virtualHost.Length == 0 ? "/" : virtualHost, tls);

        BrokerNode Node(string hostAndPort)
        {
            var colon = hostAndPort.LastIndexOf(':');
            var host = colon < 0 ? hostAndPort : hostAndPort[..colon];
            if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
                throw Invalid($"'{hostAndPort}' is not a host name or address");
            if (colon < 0)
                return new BrokerNode(host, (ushort)(tls ? DefaultTlsPort : DefaultPort));
            if (!ushort.TryParse(hostAndPort[(colon + 1)..], out var port) || port == 0)
                throw Invalid($"'{hostAndPort}' has no valid port");
            return new BrokerNode(host, port);
        }

        static (string, string) Credentials(string userInfo)
        {
            var parts = userInfo.Split(':', 2);
            return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }

        static FormatException Invalid(string why) =>
            new($"The RabbitMQ connection string (ConnectionStrings:{MessagingExtensions.ConnectionName}) is not valid: {why}.");
    }
}

/// <summary>One node of the broker's cluster.</summary>
public sealed record BrokerNode(string Host, ushort Port)
{
    public override string ToString() => $"{Host}:{Port}";
}
