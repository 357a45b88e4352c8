using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class ImageReferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("busybox", null, "busybox", null, null)]
    [InlineData("orchestrator/busybox:latest", null, "orchestrator/busybox", "latest", null)]
    [InlineData("library/nginx:1.27", null, "library/nginx", "1.27", null)]
    [InlineData("localhost/app", "localhost", "app", null, null)]
    [InlineData("localhost:5000/team/app:1.2.3", "localhost:5000", "team/app", "1.2.3", null)]
    [InlineData("registry:5000/team/app", "registry:5000", "team/app", null, null)]
    [InlineData("docker.io/library/postgres:17", "docker.io", "library/postgres", "17", null)]
    [InlineData("registry.example.org/a/b/c", "registry.example.org", "a/b/c", null, null)]
    [InlineData("nginx@" + Digest, null, "nginx", null, Digest)]
    [InlineData("registry:5000/team/app:2@" + Digest, "registry:5000", "team/app", "2", Digest)]
    public void A_reference_parses_into_its_parts(string text, string? registry, string path, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal((registry, path, tag, digest), (reference.Registry, reference.Path, reference.Tag, reference.Digest));
        Assert.Equal(text, reference.ToString());
    }

    [Fact]
    public void The_name_is_the_repository_with_its_registry_and_without_tag_or_digest()
    {
        Assert.Equal("registry:5000/team/app", ImageReference.Parse("registry:5000/team/app:2@" + Digest).Name);
        Assert.Equal("team/app", ImageReference.Parse("team/app:2").Name);
    }

    [Fact]
    public void A_first_segment_without_a_dot_or_a_port_is_part_of_the_path_not_a_registry()
    {
        var reference = ImageReference.Parse("team/app");
        Assert.Null(reference.Registry);
        Assert.Equal("team/app", reference.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPPER/case")]
    [InlineData("bad image")]
    [InlineData("trailing-colon:")]
    [InlineData("double//slash")]
    [InlineData("nginx@sha256:short")]
    public void Anything_else_is_not_a_reference(string text)
    {
        Assert.False(ImageReference.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ImageReference.Parse(text));
    }

    [Fact]
    public void Null_is_not_a_reference() => Assert.False(ImageReference.TryParse(null, out _));

    [Theory]
    [InlineData("127.0.0.1:5000/team/app:1", "127.0.0.1:5000")]
    [InlineData("Registry.Example.com/app", "registry.example.com")]
    [InlineData("localhost/app", "localhost")]
    [InlineData("team/app:2", "docker.io")]
    [InlineData("busybox", "docker.io")]
    public void The_server_is_the_registry_credentials_are_looked_up_by_and_Docker_Hub_when_none_is_named(string image, string server) =>
        Assert.Equal(server, ImageReference.Parse(image).Server);

    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("registry.example.com", true)]
    [InlineData("registry:5000", true)]
    [InlineData("localhost", true)]
    [InlineData("docker.io", true)]
    [InlineData("registry", false)]
    [InlineData("registry.example.com:0", false)]
    [InlineData("registry.example.com:70000", false)]
    [InlineData("https://registry.example.com", false)]
    [InlineData("registry.example.com/team", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_registry_server_is_a_host_and_port_as_an_image_names_its_registry(string? server, bool valid) =>
        Assert.Equal(valid, ImageReference.IsRegistryServer(server));
}
