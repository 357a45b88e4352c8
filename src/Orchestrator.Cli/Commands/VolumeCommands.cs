using System.ComponentModel;
using Orchestrator.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

/// <summary>orchestrator node volumes NODE: the named volumes the node's agent made for tasks, and who uses each.</summary>
public sealed class NodeVolumesCommand(IAnsiConsole console) : AsyncCommand<NodeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var volumes = await client.ListVolumesAsync(await client.ResolveNodeIdAsync(settings.Node, cancellationToken), cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, volumes);
        else
            console.Write(Output.VolumeTable(volumes));
        return 0;
    }
}

public sealed class NodeVolumeSettings : ApiSettings
{
    [CommandArgument(0, "<NODE>")]
    [Description("A node's name, id, or a unique prefix of its id")]
    public string Node { get; init; } = "";

    [CommandArgument(1, "<VOLUME>")]
    [Description("The volume's name on the node, as `node volumes` shows it")]
    public string Volume { get; init; } = "";
}

/// <summary>orchestrator node rm-volume NODE VOLUME: removes a volume nothing references, and its data.</summary>
public sealed class NodeRemoveVolumeCommand(IAnsiConsole console) : AsyncCommand<NodeVolumeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeVolumeSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        await client.RemoveVolumeAsync(await client.ResolveNodeIdAsync(settings.Node, cancellationToken), settings.Volume, cancellationToken);
        console.MarkupLineInterpolated($"removed volume {settings.Volume}");
        return 0;
    }
}
