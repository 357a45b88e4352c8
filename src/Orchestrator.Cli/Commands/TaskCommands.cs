using System.ComponentModel;
using Orchestrator.Cli.Client;
using Orchestrator.Contracts;
using Orchestrator.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public sealed class StopSettings : ApiSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("Task ids, or unique prefixes of them")]
    public string[] Ids { get; init; } = [];
}

/// <summary>orchestrator stop ID...: stop tasks; stopping twice is harmless.</summary>
public sealed class StopCommand(IAnsiConsole console) : AsyncCommand<StopSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StopSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        foreach (var prefix in settings.Ids)
        {
            var task = await client.StopAsync(await client.ResolveTaskIdAsync(prefix, cancellationToken), cancellationToken);
            console.Profile.Out.Writer.WriteLine(task.Id);
        }
        return 0;
    }
}

/// <summary>
/// orchestrator release-volumes ID...: let tasks that wait for the node holding their volumes start elsewhere, with
/// empty volumes.
/// </summary>
public sealed class ReleaseVolumesCommand(IAnsiConsole console) : AsyncCommand<StopSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StopSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        foreach (var prefix in settings.Ids)
        {
            var task = await client.ReleaseVolumesAsync(await client.ResolveTaskIdAsync(prefix, cancellationToken), cancellationToken);
            console.Profile.Out.Writer.WriteLine(task.Id);
        }
        return 0;
    }
}

public sealed class StatusSettings : ApiSettings
{
    [CommandArgument(0, "[ID]")]
    [Description("One task in detail, with its latest events")]
    public string? Id { get; init; }

    [CommandOption("-w|--watch")]
    [Description("Refresh in place every second until Ctrl+C")]
    public bool Watch { get; init; }

    [CommandOption("-s|--state <STATE>")]
    [Description("List only the tasks in this state: Pending, Scheduled, Running, Completed or Failed")]
    public string? State { get; init; }

    [CommandOption("-j|--job <NAME>")]
    [Description("List only the tasks of this job, finished ones too")]
    public string? Job { get; init; }

    [CommandOption("--name <TEXT>")]
    [Description("List only the tasks with TEXT in their names, ignoring case")]
    public string? Name { get; init; }

    [CommandOption("-n|--limit <N>")]
    [Description("List at most the newest N tasks (1 to 5000; default 500)")]
    public int? Limit { get; init; }

    [CommandOption("-a|--all")]
    [Description("List every task, fetched page after page (--limit tasks a page, 5000 by default)")]
    public bool All { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        Id is not null && (State is not null || Job is not null || Name is not null || Limit is not null || All)
            ? Spectre.Console.ValidationResult.Error("--state, --job, --name, --limit and --all shape the list; they cannot be given with an ID")
            : base.Validate();

    /// <summary>The size of each page asked of the Api.</summary>
    public int? PageSize => All ? Limit ?? ListTasks.MaxLimit : Limit;
}

/// <summary>orchestrator status [ID]: every task as a table, or one in detail.</summary>
public sealed class StatusCommand(IAnsiConsole console) : AsyncCommand<StatusSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        if (settings.Watch && !settings.Json)
        {
            await console.Live(new Text("")).StartAsync(async live =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    live.UpdateTarget(await RenderAsync(client, settings, cancellationToken));
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            });
            return 0;
        }
        if (settings.Json)
        {
            if (settings.Id is null)
                Output.WriteJson(console, await client.ListTasksAsync(settings.State, settings.PageSize, settings.All, cancellationToken, settings.Job, settings.Name));
            else
                Output.WriteJson(console, await client.GetTaskAsync(await client.ResolveTaskIdAsync(settings.Id, cancellationToken), cancellationToken));
            return 0;
        }
        console.Write(await RenderAsync(client, settings, cancellationToken));
        return 0;
    }

    private static async Task<Spectre.Console.Rendering.IRenderable> RenderAsync(OrchestratorClient client, StatusSettings settings, CancellationToken cancellationToken)
    {
        var nodes = (await client.ListNodesAsync(cancellationToken)).ToDictionary(n => n.Id, n => n.Name);
        if (settings.Id is null)
            return Output.TaskTable(await client.ListTasksAsync(settings.State, settings.PageSize, settings.All, cancellationToken, settings.Job, settings.Name), nodes, DateTimeOffset.UtcNow);
        var id = await client.ResolveTaskIdAsync(settings.Id, cancellationToken);
        var task = await client.GetTaskAsync(id, cancellationToken);
        var events = await client.EventsAsync(id, cancellationToken);
        return new Rows(Output.TaskDetail(task, nodes), new Text(""), Output.EventTable(events.TakeLast(10), nodes));
    }
}

public sealed class TaskIdSettings : ApiSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("A task id, or a unique prefix of it")]
    public string Id { get; init; } = "";
}

/// <summary>orchestrator events ID: the task's history, oldest first.</summary>
public sealed class EventsCommand(IAnsiConsole console) : AsyncCommand<TaskIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TaskIdSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var events = await client.EventsAsync(await client.ResolveTaskIdAsync(settings.Id, cancellationToken), cancellationToken);
        if (settings.Json)
        {
            Output.WriteJson(console, events);
            return 0;
        }
        var nodes = (await client.ListNodesAsync(cancellationToken)).ToDictionary(n => n.Id, n => n.Name);
        console.Write(Output.EventTable(events, nodes));
        return 0;
    }
}

public sealed class LogsSettings : ApiSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("A task id, or a unique prefix of it")]
    public string Id { get; init; } = "";

    [CommandOption("-f|--follow")]
    [Description("Keep printing new lines until the task ends or Ctrl+C")]
    public bool Follow { get; init; }

    [CommandOption("--tail <N>")]
    [Description("Only the last N lines")]
    public int? Tail { get; init; }
}

/// <summary>orchestrator logs ID: the container's stdout and stderr.</summary>
public sealed class LogsCommand(IAnsiConsole console) : AsyncCommand<LogsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, LogsSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        var id = await client.ResolveTaskIdAsync(settings.Id, cancellationToken);
        try
        {
            await client.CopyLogsAsync(id, settings.Tail, settings.Follow, console.Profile.Out.Writer, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        return 0;
    }
}
