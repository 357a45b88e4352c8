using Docker.DotNet;
using Docker.DotNet.Models;
using Testcontainers.RabbitMq;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The test cluster's RabbitMQ, in a container of its own, and what tests do to it: a virtual host per extra cluster,
/// restarts and pauses, and the queues' figures as rabbitmqctl lists them.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    public const string User = "orchestrator";

    public const int TlsPort = 5671;

    private readonly DockerClient _docker;
    private readonly RabbitMqContainer _container;
    private readonly bool _tls;

    /// <param name="hostPort">A loopback port to publish the broker on, kept across restarts; null lets the engine pick.</param>
    /// <param name="tls">The certificates of a broker that also listens for TLS; null for plain connections only.</param>
    public TestBroker(DockerClient docker, int? hostPort, TestTls? tls = null)
    {
        _docker = docker;
        _tls = tls is not null;
        var builder = new RabbitMqBuilder().WithImage(TestImages.RabbitMq).WithUsername(User).WithPassword(User);
        if (hostPort is { } port)
            builder = builder.WithPortBinding(port, RabbitMqBuilder.RabbitMqPort);
        if (tls is not null)
            builder = builder
                .WithPortBinding(TlsPort, assignRandomHostPort: true)
                .WithResourceMapping(System.Text.Encoding.ASCII.GetBytes(tls.ServerCertificatePem), "/certs/server.crt")
                .WithResourceMapping(System.Text.Encoding.ASCII.GetBytes(tls.ServerKeyPem), "/certs/server.key")
                .WithResourceMapping(System.Text.Encoding.ASCII.GetBytes($"""
                    listeners.ssl.default = {TlsPort}
                    ssl_options.certfile = /certs/server.crt
                    ssl_options.keyfile = /certs/server.key
                    ssl_options.verify = verify_none
                    ssl_options.fail_if_no_peer_cert = false

                    """), "/etc/rabbitmq/conf.d/20-tls.conf");
        _container = builder.Build();
    }

    public Task StartAsync() => _container.StartAsync();

    /// <summary>
    /// The broker as a URI on loopback: amqps:// to the TLS listener, by the name its certificate holds, for a broker
    /// with TLS; otherwise amqp://.
    /// </summary>
    public string ConnectionString => _tls
        ? $"amqps://{User}:{User}@{TestTls.ServerName}:{TlsHostPort}/"
        : _container.GetConnectionString();

    /// <summary>The loopback port the TLS listener is published on.</summary>
    public int TlsHostPort => _container.GetMappedPublicPort(TlsPort);

    /// <summary>Whether each client connection of the broker is over TLS, as <c>rabbitmqctl list_connections ssl</c> says.</summary>
    public async Task<IReadOnlyList<bool>> ConnectionsOverTlsAsync()
    {
        var listed = await _container.ExecAsync(["rabbitmqctl", "--quiet", "list_connections", "--no-table-headers", "ssl"]);
        return listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(bool.Parse).ToList();
    }

    /// <summary>How to run rabbitmqctl against the broker from this machine's shell.</summary>
    public string Ctl => $"docker exec {_container.Id} rabbitmqctl";

    /// <summary>A virtual host of its own, so a second cluster's queues do not mix with the first one's.</summary>
    public async Task<string> CreateVirtualHostAsync(string name)
    {
        foreach (var command in new[] { new[] { "rabbitmqctl", "add_vhost", name }, ["rabbitmqctl", "set_permissions", "-p", name, User, ".*", ".*", ".*"] })
        {
            var result = await _container.ExecAsync(command);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result.Stderr}");
        }
        return new UriBuilder(_container.GetConnectionString()) { Path = "/" + name }.Uri.ToString();
    }

    /// <summary>Restarts the container (a clean stop, as an upgrade would) and waits until the broker serves again.</summary>
    public async Task RestartAsync()
    {
        await _docker.Containers.RestartContainerAsync(_container.Id, new ContainerRestartParameters { WaitBeforeKillSeconds = 30 });
        await Poll.UntilAsync(async () => (await _container.ExecAsync(["rabbitmqctl", "await_startup"])).ExitCode == 0);
    }

    /// <summary>
    /// Freezes the container: its connections stay open but nothing is answered, as when a broker stops reading from
    /// publishers (a memory or disk alarm) or its host stalls.
    /// </summary>
    public Task PauseAsync() => _docker.Containers.PauseContainerAsync(_container.Id);

    public Task UnpauseAsync() => _docker.Containers.UnpauseContainerAsync(_container.Id);

    /// <summary>Drops every message waiting in the queue, as an operator's <c>rabbitmqctl purge_queue</c> does.</summary>
    public async Task PurgeQueueAsync(string queue)
    {
        var result = await _container.ExecAsync(["rabbitmqctl", "purge_queue", queue]);
        Assert.True(result.ExitCode == 0, $"purge_queue {queue}: {result.Stderr}");
    }

    /// <summary>Messages waiting in a queue, 0 for a queue that does not exist.</summary>
    public Task<int> QueueDepthAsync(string queue) => QueueColumnAsync(queue, "messages");

    /// <summary>Consumers on a queue, 0 for a queue that does not exist.</summary>
    public Task<int> QueueConsumersAsync(string queue) => QueueColumnAsync(queue, "consumers");

    private async Task<int> QueueColumnAsync(string queue, string column)
    {
        var listed = await _container.ExecAsync(["rabbitmqctl", "--quiet", "list_queues", "name", column]);
        return listed.Stdout.Split('\n')
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length == 2 && columns[0] == queue)
            .Select(columns => int.Parse(columns[1], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    /// <summary>
    /// The queues (of the default virtual host) holding a message whose body contains <paramref name="text"/>. Each
    /// waiting message is read and put back (a get without an ack, then a nack that requeues), so nothing is lost.
    /// Single-active-consumer queues, which the broker does not let a get read, are not looked into.
    /// </summary>
    public async Task<IReadOnlyList<string>> QueuesWithMessagesContainingAsync(string text)
    {
        var listed = await _container.ExecAsync(["rabbitmqctl", "--quiet", "list_queues", "--no-table-headers", "name", "messages"]);
        var waiting = listed.Stdout.Split('\n')
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length == 2 && columns[1] != "0")
            .Select(columns => columns[0])
            .ToList();
        var found = new List<string>();
        if (waiting.Count == 0)
            return found;
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var queue in waiting)
        {
            await using var channel = await connection.CreateChannelAsync();
            ulong last = 0;
            try
            {
                while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
                {
                    last = message.DeliveryTag;
                    if (System.Text.Encoding.UTF8.GetString(message.Body.Span).Contains(text, StringComparison.Ordinal))
                        found.Add(queue);
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException gone) when (gone.ShutdownReason?.ReplyCode == 404)
            {
                // A reply queue deleted since it was listed: its requester went away, and its messages with it.
                continue;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException locked) when (locked.ShutdownReason?.ReplyCode == 405)
            {
                // A single-active-consumer queue (a task-reports-N queue) refuses basic.get while it holds a message:
                // it cannot be browsed. What it holds is an agent's report on its way to StateStore, gone in moments.
                continue;
            }
            if (last > 0)
                await channel.BasicNackAsync(last, multiple: true, requeue: true);
        }
        return found.Distinct().ToList();
    }

    /// <summary>
    /// Takes the queue off the exchange of its name, which MassTransit sends to: what is sent meanwhile is routed nowhere
    /// and dropped, while the queue and its consumer stay, as when a binding is lost. <see cref="BindQueueAsync"/> puts it back.
    /// </summary>
    public Task UnbindQueueAsync(string queue) => OnChannelAsync(channel => channel.QueueUnbindAsync(queue, queue, ""));

    public Task BindQueueAsync(string queue) => OnChannelAsync(channel => channel.QueueBindAsync(queue, queue, ""));

    private async Task OnChannelAsync(Func<RabbitMQ.Client.IChannel, Task> work)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(ConnectionString) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await work(channel);
    }

    /// <summary>The files under the broker's data directory (its queues, message store and indexes) that contain <paramref name="text"/>.</summary>
    public async Task<string> FilesContainingAsync(string text)
    {
        var found = await _container.ExecAsync(["grep", "-rlF", text, "/var/lib/rabbitmq"]);
        // grep's 1 is "no match", 2 an error (such as no such directory), which must not pass for "nothing found".
        if (found.ExitCode > 1)
            throw new InvalidOperationException($"grep in the broker failed: {found.Stderr}");
        return found.Stdout.Trim();
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
