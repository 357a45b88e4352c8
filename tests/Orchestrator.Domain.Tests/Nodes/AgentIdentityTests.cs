using Orchestrator.Domain.Nodes;

namespace Orchestrator.Domain.Tests.Nodes;

public sealed class AgentIdentityTests
{
    private static readonly Guid Node = Guid.Parse("6f1c2b3a-0d4e-4f5a-9b8c-7d6e5f4a3b2c");
    private static readonly Guid Other = Guid.Parse("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

    [Fact]
    public void A_nodes_broker_name_is_agent_and_its_id_in_hex_and_parses_back()
    {
        Assert.Equal("agent-6f1c2b3a0d4e4f5a9b8c7d6e5f4a3b2c", AgentIdentity.Of(Node));
        Assert.True(AgentIdentity.TryParse(AgentIdentity.Of(Node), out var parsed));
        Assert.Equal(Node, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("guest")]
    [InlineData("agent-worker-1")]
    [InlineData("agent-6f1c2b3a-0d4e-4f5a-9b8c-7d6e5f4a3b2c")]
    [InlineData("agent-6f1c2b3a0d4e4f5a9b8c7d6e5f4a3b2")]
    [InlineData("xagent-6f1c2b3a0d4e4f5a9b8c7d6e5f4a3b2")]
    public void Other_users_are_not_an_agents_own(string? user)
    {
        Assert.False(AgentIdentity.TryParse(user, out _));
    }

    [Fact]
    public void An_agents_own_user_may_report_about_its_node_only()
    {
        Assert.Null(AgentIdentity.RefusalOf(AgentIdentity.Of(Node), Node, acceptUnstamped: false));
        Assert.Equal($"it came from broker user {AgentIdentity.Of(Other)}, node {Other}'s own",
            AgentIdentity.RefusalOf(AgentIdentity.Of(Other), Node, acceptUnstamped: false));
    }

    [Theory]
    [InlineData("guest")]
    [InlineData("orchestrator")]
    [InlineData("agent-worker-1")]
    public void A_shared_user_may_report_about_any_node(string user)
    {
        Assert.Null(AgentIdentity.RefusalOf(user, Node, acceptUnstamped: false));
    }

    [Fact]
    public void A_report_naming_no_user_is_refused_unless_unstamped_reports_are_accepted()
    {
        Assert.Equal("it names no broker user", AgentIdentity.RefusalOf(null, Node, acceptUnstamped: false));
        Assert.Equal("it names no broker user", AgentIdentity.RefusalOf("", Node, acceptUnstamped: false));
        Assert.Null(AgentIdentity.RefusalOf(null, Node, acceptUnstamped: true));
    }
}
