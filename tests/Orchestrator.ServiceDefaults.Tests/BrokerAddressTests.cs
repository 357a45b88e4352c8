using Microsoft.Extensions.Hosting;

namespace Orchestrator.ServiceDefaults.Tests;

public sealed class BrokerAddressTests
{
    [Fact]
    public void A_plain_uri_is_a_cluster_of_one_with_its_user_and_virtual_host()
    {
        var address = BrokerAddress.Parse("amqp://orchestrator:p%40ss@broker:5673/prod");

        Assert.Equal([new BrokerNode("broker", 5673)], address.Nodes);
        Assert.Equal(("orchestrator", "p@ss", "prod"), (address.User, address.Password, address.VirtualHost));
    }

    [Fact]
    public void Several_nodes_are_listed_in_the_authority_each_with_its_port_or_the_default()
    {
        var address = BrokerAddress.Parse("amqp://u:p@rabbit1:5672,rabbit2,10.0.0.3:5673/");

        Assert.Equal([new BrokerNode("rabbit1", 5672), new BrokerNode("rabbit2", 5672), new BrokerNode("10.0.0.3", 5673)], address.Nodes);
        Assert.Equal("/", address.VirtualHost);
    }

    [Fact]
    public void An_amqps_uri_is_reached_over_tls_on_the_tls_port_unless_it_names_one()
    {
        var address = BrokerAddress.Parse("amqps://u:p@rabbit1,rabbit2:5700/");

        Assert.True(address.Tls);
        Assert.Equal([new BrokerNode("rabbit1", BrokerAddress.DefaultTlsPort), new BrokerNode("rabbit2", 5700)], address.Nodes);
        Assert.False(BrokerAddress.Parse("amqp://u:p@rabbit1/").Tls);
    }

    [Fact]
    public void Without_a_path_the_default_virtual_host_is_used()
    {
        var address = BrokerAddress.Parse("amqp://agent:secret@localhost");

        Assert.Equal(("agent", "secret", "/"), (address.User, address.Password, address.VirtualHost));
        Assert.Equal([new BrokerNode("localhost", BrokerAddress.DefaultPort)], address.Nodes);
    }

    [Theory]
    [InlineData("http://broker:5672", "must start with amqp:// or amqps://")]
    [InlineData("amqp://u:p@broker:notaport/", "'broker:notaport' has no valid port")]
    [InlineData("amqp://u:p@rabbit1,,rabbit3/", "'' is not a host name")]
    [InlineData("amqp://u:p@rab bit/", "'rab bit' is not a host name")]
    [InlineData("amqp://localhost", "it names no user")]
    [InlineData("amqp://:p@localhost/", "it names no user")]
    public void A_malformed_connection_string_is_refused_naming_the_setting_and_the_fault(string connectionString, string why)
    {
        var error = Assert.Throws<FormatException>(() => BrokerAddress.Parse(connectionString));

        Assert.Contains("ConnectionStrings:messaging", error.Message);
        Assert.Contains(why, error.Message);
    }
}
