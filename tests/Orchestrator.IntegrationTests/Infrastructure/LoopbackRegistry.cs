using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The CNCF distribution registry (Debian's <c>docker-registry</c>, which <c>deploy/local/prepare.sh</c> installs) on a
/// free loopback port, with htpasswd authentication and its storage under a temp directory, started as a process of
/// this test's own and killed by its pid. The engine pulls from it over plain HTTP, as it does from any 127.0.0.0/8
/// registry.
/// </summary>
public sealed class LoopbackRegistry : IAsyncDisposable
{
    private const string Binary = "/usr/bin/docker-registry";

    private readonly string _root;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LoopbackRegistry(string root, int port, string username, string password, Process process)
    {
        _root = root;
        Server = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        Username = username;
        Password = password;
        _process = process;
    }

    /// <summary>host:port, as an image names the registry and as its credentials are stored.</summary>
    public string Server { get; }

    public string Username { get; }

    public string Password { get; }

    public AuthConfig Auth => new() { ServerAddress = Server, Username = Username, Password = Password };

    public static async Task<LoopbackRegistry> StartAsync(string username, string password)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: run deploy/local/prepare.sh, which installs Debian's docker-registry");
        var root = Directory.CreateTempSubdirectory("orchestrator-registry-").FullName;
        var port = ClusterFixture.FreeLoopbackPort();
        // Cost 4, bcrypt's least: the registry checks the hash at every request.
        await File.WriteAllTextAsync(Path.Combine(root, "htpasswd"), $"{username}:{BCrypt.Net.BCrypt.HashPassword(password, workFactor: 4)}\n");
        var config = Path.Combine(root, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(root, "data")}
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: orchestrator-tests
                path: {Path.Combine(root, "htpasswd")}
            """);
        var start = new ProcessStartInfo(Binary, ["serve", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        var registry = new LoopbackRegistry(root, port, username, password, process);
        process.OutputDataReceived += (_, line) => registry.Record(line.Data);
        process.ErrorDataReceived += (_, line) => registry.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await registry.WaitUntilAnsweringAsync();
            return registry;
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    /// <summary>Tags <paramref name="localImage"/> as <paramref name="repository"/>:<paramref name="tag"/> here and pushes it with the registry's credentials.</summary>
    public async Task<string> PushAsync(DockerClient docker, string localImage, string repository, string tag)
    {
        var image = $"{Server}/{repository}";
        await docker.Images.TagImageAsync(localImage, new ImageTagParameters { RepositoryName = image, Tag = tag });
        string? failure = null;
        await docker.Images.PushImageAsync(image, new ImagePushParameters { Tag = tag }, Auth,
            new Progress<JSONMessage>(message => failure ??= message.ErrorMessage ?? message.Error?.Message));
        Assert.True(failure is null, $"pushing {image}:{tag} failed: {failure}");
        return $"{image}:{tag}";
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>Until the registry answers /v2/ (401 without credentials: it is up and asks for them).</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{Server}/"), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
                Assert.Fail($"docker-registry exited ({_process.ExitCode}): {Output}");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "v2/");
                request.Headers.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
                using var response = await http.SendAsync(request);
                Assert.True(response.IsSuccessStatusCode, $"docker-registry refused its own credentials ({(int)response.StatusCode}): {Output}");
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
