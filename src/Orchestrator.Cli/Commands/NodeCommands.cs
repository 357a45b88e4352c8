using System.ComponentModel;
using Orchestrator.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

/// <summary>orchestrator nodes: every worker node with its resources, and any containers it runs for tasks nobody knows.</summary>
public sealed class NodesCommand(IAnsiConsole console) : AsyncCommand<ApiSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ApiSettings settings, CancellationToken cancellationToken)
    {
        var nodes = await settings.CreateClient().ListNodesAsync(cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, nodes);
        else
        {
            console.Write(Output.NodeTable(nodes, DateTimeOffset.UtcNow));
            foreach (var line in Output.UnknownContainerLines(nodes))
                console.MarkupLine(line);
        }
        return 0;
    }
}

public sealed class NodeSettings : ApiSettings
{
    [CommandArgument(0, "<NODE>")]
    [Description("A node's name, id, or a unique prefix of its id")]
    public string Node { get; init; } = "";
}

/// <summary>orchestrator drain NODE: nothing new is placed there, and its tasks move elsewhere.</summary>
public sealed class DrainCommand(IAnsiConsole console) : AsyncCommand<NodeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var node = await client.DrainAsync(await client.ResolveNodeIdAsync(settings.Node, cancellationToken), cancellationToken);
        console.MarkupLineInterpolated($"{node.Name} is {node.Status}");
        return 0;
    }
}

/// <summary>orchestrator ready NODE: returns a drained node to service.</summary>
public sealed class ReadyCommand(IAnsiConsole console) : AsyncCommand<NodeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var node = await client.ReadyAsync(await client.ResolveNodeIdAsync(settings.Node, cancellationToken), cancellationToken);
        console.MarkupLineInterpolated($"{node.Name} is {node.Status}");
        return 0;
    }
}
