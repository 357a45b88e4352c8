using System.Text.Json;
using Orchestrator.Cli.Client;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli.Rendering;

/// <summary>How tasks, nodes and events are printed: tables for people, JSON for scripts.</summary>
public static class Output
{
    public static void WriteJson<T>(IAnsiConsole console, T value) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, OrchestratorClient.Json));

    public static string ShortId(Guid id) => id.ToString("N")[..12];

    public static Table TaskTable(IEnumerable<TaskDetails> tasks, IReadOnlyDictionary<Guid, string> nodeNames, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("ID", "NAME", "STATE", "NODE", "IMAGE", "PORTS", "RESTARTS", "AGE");
        foreach (var task in tasks)
        {
            table.AddRow(
                ShortId(task.Id),
                Markup.Escape(task.Name),
                StateMarkup(task.State.ToString()),
                Markup.Escape(task.NodeId is { } node ? nodeNames.GetValueOrDefault(node, ShortId(node)) : "-"),
                Markup.Escape(task.Image),
                Markup.Escape(Ports(task.Ports)),
                task.RestartCount.ToString(),
                Age(now - task.CreatedAt));
        }
        return table;
    }

    public static Table NodeTable(IEnumerable<NodeDetails> nodes, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("NAME", "STATUS", "DC", "ADDRESS", "CPU", "MEMORY (MiB)", "DISK (MiB)", "TASKS", "HOST VOLUMES", "LAST HEARTBEAT");
        foreach (var node in nodes)
        {
            table.AddRow(
                Markup.Escape(node.Name),
                StateMarkup(node.Status.ToString()),
                Markup.Escape(node.Datacenter),
                Markup.Escape(node.Address ?? "-"),
                $"{node.Used.Cpu:0.##} / {node.Allocated.Cpu:0.##} / {node.Capacity.Cpu:0.##}",
                $"{node.Used.MemoryMb} / {node.Allocated.MemoryMb} / {node.Capacity.MemoryMb}",
                $"{node.Used.DiskMb} / {node.Allocated.DiskMb} / {node.Capacity.DiskMb}",
                node.TaskCount.ToString(),
                Markup.Escape(HostVolumes(node.HostVolumes)),
                Age(now - node.LastHeartbeatAt) + " ago");
        }
        table.Caption("[grey]cpu, memory and disk: used / allocated / capacity[/]");
        return table;
    }

    /// <summary>The host volumes a node offers, by name, <c>(ro)</c> after a read-only one: <c>certs (ro), data</c>.</summary>
    public static string HostVolumes(IReadOnlyList<HostVolume> volumes) =>
        volumes.Count == 0 ? "-" : string.Join(", ", volumes.Select(volume => volume.ReadOnly ? $"{volume.Name} (ro)" : volume.Name));

    /// <summary>
    /// A line for each container a node runs for a task the control plane does not know (its database was replaced,
    /// say): it is left running, and whether to remove it is the operator's call.
    /// </summary>
    public static IEnumerable<string> UnknownContainerLines(IEnumerable<NodeDetails> nodes) =>
        nodes.SelectMany(node => node.UnknownContainers.Select(container =>
            $"[yellow]{Markup.Escape(node.Name)}[/] runs container {Markup.Escape(ContainerIds.Short(container.ContainerId))} " +
            $"of unknown task {container.TaskId} (attempt {container.Attempt}); it is left running"));

    public static Table VolumeTable(IEnumerable<VolumeDetails> volumes)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "SOURCE", "JOB", "SLOT", "CREATED BY", "CREATED", "USED BY");
        foreach (var volume in volumes)
        {
            var users = volume.UsedBy.Count == 0
                ? "[grey]nothing[/]"
                : string.Join(", ", volume.UsedBy.Select(u =>
                    Markup.Escape(u.TaskName ?? ContainerIds.Short(u.ContainerId)) + (u.Running ? "" : " (exited)")));
            table.AddRow(
                Markup.Escape(volume.Name),
                Markup.Escape(volume.Source),
                Markup.Escape(volume.Job ?? "-"),
                volume.Slot?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(volume.CreatedByTaskName ?? "-"),
                volume.CreatedAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                users);
        }
        return table;
    }

    /// <summary>Secrets without values; a read-only key gets names only, and the other columns show "-".</summary>
    public static Table SecretTable(IEnumerable<SecretDetails> secrets)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "VERSION", "UPDATED", "USED BY");
        foreach (var secret in secrets)
        {
            var users = (secret.UsedByJobs ?? []).Select(job => $"job {job}")
                .Concat(secret.UsedByTasks is { Count: > 0 } tasks ? [$"{tasks.Count} task{(tasks.Count > 1 ? "s" : "")}"] : [])
                .ToList();
            table.AddRow(
                Markup.Escape(secret.Name),
                secret.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                secret.UpdatedAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                secret.UsedByTasks is null ? "-" : users.Count == 0 ? "[grey]nothing[/]" : Markup.Escape(string.Join(", ", users)));
        }
        return table;
    }

    /// <summary>The catalog's services, each with its counts of passing and failing instances.</summary>
    public static Table ServiceTable(IEnumerable<ServiceSummary> services)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("SERVICE", "PASSING", "FAILING", "TAGS", "ROUTES");
        foreach (var service in services)
            table.AddRow(
                Markup.Escape(service.Name),
                service.Passing.ToString(System.Globalization.CultureInfo.InvariantCulture),
                service.Failing == 0 ? "0" : $"[red]{service.Failing}[/]",
                Markup.Escape(service.Tags.Count == 0 ? "-" : string.Join(", ", service.Tags)),
                Markup.Escape(service.Routes.Count == 0 ? "-" : string.Join(", ", service.Routes)));
        return table;
    }

    /// <summary>A service's instances: where each is reached, and why a failing one is not.</summary>
    public static Table ServiceInstanceTable(IEnumerable<ServiceInstance> instances)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("TASK", "NAME", "NODE", "ADDRESS", "TAGS", "STATUS");
        foreach (var instance in instances)
            table.AddRow(
                ShortId(instance.TaskId),
                Markup.Escape(instance.TaskName),
                Markup.Escape(instance.NodeName ?? "-"),
                Markup.Escape(instance.Address is null || instance.Port is null ? "-" : $"{instance.Address}:{instance.Port}"),
                Markup.Escape(instance.Tags.Count == 0 ? "-" : string.Join(", ", instance.Tags)),
                instance.Passing ? "[green]passing[/]" : $"[red]failing[/] [grey]({instance.State}, {instance.Health})[/]");
        return table;
    }

    /// <summary>Registries with stored credentials, never a password; a read-only key gets servers only, and the other columns show "-".</summary>
    public static Table RegistryTable(IEnumerable<RegistryDetails> registries)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("SERVER", "USERNAME", "UPDATED");
        foreach (var registry in registries)
        {
            table.AddRow(
                Markup.Escape(registry.Server),
                Markup.Escape(registry.Username ?? "-"),
                registry.UpdatedAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }
        return table;
    }

    public static Table JobTable(IEnumerable<JobDetails> jobs)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "TYPE", "RUNNING", "TASKS", "REVISION", "IMAGE", "MESSAGE");
        foreach (var job in jobs)
            table.AddRow(
                Markup.Escape(job.Name),
                job.Schedule is not null ? "periodic" : job.Type.ToString().ToLowerInvariant(),
                job.Schedule is not null ? job.Schedule : job.Type == JobType.Batch ? $"{job.Succeeded} / {job.Completions} done" : $"{job.Running} / {job.Count}",
                job.Tasks.Count.ToString(),
                job.Revision.ToString(),
                Markup.Escape(job.Task.Image),
                Markup.Escape(job.Message ?? ""));
        table.Caption("[grey]running / wanted, of the latest revision; for a batch job, succeeded / completions[/]");
        return table;
    }

    /// <summary>One job: a line of what it wants and has, its message, and its tasks.</summary>
    public static Rows JobDetail(JobDetails job, IReadOnlyDictionary<Guid, string> nodeNames)
    {
        var tasks = new Table().Border(TableBorder.Simple).AddColumns("ID", "NAME", "STATE", "NODE", "REVISION", "MESSAGE");
        foreach (var task in job.Tasks)
            tasks.AddRow(
                ShortId(task.Id),
                Markup.Escape(task.Name),
                StateMarkup(task.DesiredState == Domain.Tasks.DesiredState.Stopped ? "Stopping" : task.State.ToString()),
                Markup.Escape(task.NodeId is { } node ? nodeNames.GetValueOrDefault(node, ShortId(node)) : "-"),
                task.Revision.ToString(),
                Markup.Escape(task.Message ?? ""));
        var summary = new Markup(Markup.Escape($"job {job.Name}: {JobProgress(job)}, revision {job.Revision}, image {job.Task.Image}"));
        var rows = new List<IRenderable> { summary };
        if (job.Message is not null)
            rows.Add(new Markup($"[grey]{Markup.Escape(job.Message)}[/]"));
        if (job.Groups is { } groups)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("GROUP", "JOB", "RUNNING", "REVISION", "IMAGE", "MESSAGE");
            foreach (var group in groups)
                table.AddRow(Markup.Escape(group.Name[(job.Name.Length + 1)..]), Markup.Escape(group.Name), Markup.Escape(JobProgress(group)),
                    group.Revision.ToString(), Markup.Escape(group.Task.Image), Markup.Escape(group.Message ?? ""));
            rows.Add(table);
            rows.Add(tasks);
        }
        else if (job.Runs is { } runs)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("RUN", "DUE", "STATUS", "MESSAGE");
            foreach (var run in runs)
                table.AddRow(Markup.Escape(run.Name), run.ScheduledAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"),
                    StateMarkup(run.Status.ToString()), Markup.Escape(run.Message ?? ""));
            rows.Add(table);
        }
        else
            rows.Add(tasks);
        return new Rows(rows);
    }

    /// <summary>"2 of 3 running" for a service job; "batch, Running, 1 of 3 succeeded, 2 running, 0 retries" for a batch job.</summary>
    public static string JobProgress(JobDetails job) =>
        job.Groups is { } groups
        ? $"{groups.Count} groups, {job.Running} of {job.Count} running"
        : job.Schedule is not null
        ? $"periodic, schedule '{job.Schedule}' ({job.TimeZone ?? "UTC"}), overlap {job.Overlap?.ToString().ToLowerInvariant()}, " +
            (job.NextRunAt is { } next ? $"next run {next.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "no next run")
        : job.Type == JobType.Batch
        ? $"batch, {job.Status}, {job.Succeeded} of {job.Completions} succeeded, {job.Tasks.Count(t => t.DesiredState == Domain.Tasks.DesiredState.Running)} running, " +
            $"{job.Retries} {(job.Retries == 1 ? "retry" : "retries")} of {job.MaxRetries}"
        : job.Type == JobType.System
        ? $"system, {job.Running} of {job.Count} eligible nodes running"
        : $"{job.Running} of {job.Count} running";

    public static Table EventTable(IEnumerable<TaskEventDetails> events, IReadOnlyDictionary<Guid, string> nodeNames)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("TIME", "STATE", "NODE", "EXIT", "BY", "REASON");
        foreach (var e in events)
        {
            table.AddRow(
                e.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff"),
                StateMarkup(e.State.ToString()),
                Markup.Escape(e.NodeId is { } node ? nodeNames.GetValueOrDefault(node, ShortId(node)) : "-"),
                e.ExitCode?.ToString() ?? "-",
                Markup.Escape(e.Caller ?? "-"),
                Markup.Escape(e.Reason));
        }
        return table;
    }

    public static Table AuditTable(IEnumerable<AuditEntryDetails> entries)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("TIME", "KEY", "ADDRESS", "KIND", "SUBJECT");
        foreach (var e in entries)
            table.AddRow(
                e.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff"),
                Markup.Escape(e.Key),
                Markup.Escape(e.Address ?? "-"),
                Markup.Escape(e.Kind),
                Markup.Escape(e.Subject ?? "-"));
        return table;
    }

    public static Grid TaskDetail(TaskDetails task, IReadOnlyDictionary<Guid, string> nodeNames)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string label, string? value) => grid.AddRow($"[bold]{label}[/]", Markup.Escape(value ?? "-"));
        Row("ID", task.Id.ToString());
        Row("Name", task.Name);
        Row("Image", task.Image);
        grid.AddRow("[bold]State[/]", StateMarkup(task.State.ToString()) + $" (desired {task.DesiredState})");
        Row("Job", task.Job is null ? null : $"{task.Job}, slot {task.Slot}");
        Row("Node", task.NodeId is { } node ? nodeNames.GetValueOrDefault(node, node.ToString()) : null);
        Row("Volumes on", task.VolumeNodeId is { } volumeNode ? nodeNames.GetValueOrDefault(volumeNode, volumeNode.ToString()) : null);
        Row("Container", task.ContainerId is { } container ? ContainerIds.Short(container) : null);
        Row("Resources", $"{task.Resources.Cpu} cpu, {task.Resources.MemoryMb} MiB memory, {task.Resources.DiskMb} MiB disk");
        Row("Ports", Ports(task.Ports));
        Row("Mounts", Mounts(task.Mounts ?? []));
        Row("Restarts", $"{task.RestartCount} ({task.RestartPolicy.Mode}, at most {task.RestartPolicy.MaxRestarts})");
        Row("Health", task.HealthCheck is null ? "no check" : $"{task.Health}, last probe {task.LastProbeAt?.ToLocalTime():HH:mm:ss}: {task.LastProbeResult}");
        Row("Created", task.CreatedAt.ToLocalTime().ToString("u"));
        Row("Started", task.StartedAt?.ToLocalTime().ToString("u"));
        Row("Finished", task.FinishedAt?.ToLocalTime().ToString("u"));
        Row("Exit code", task.ExitCode?.ToString());
        Row("Message", task.Message);
        return grid;
    }

    public static string Ports(IReadOnlyList<PortBinding> ports) =>
        ports.Count == 0 ? "-" : string.Join(", ", ports.Select(p => $"{(p.HostPort > 0 ? p.HostPort.ToString() : "?")}->{p.ContainerPort}/{p.Protocol}"));

    /// <summary>"volume pgdata -> /data, host certs -> /certs (read-only), tmpfs 64 MiB -> /scratch".</summary>
    public static string Mounts(IReadOnlyList<Mount> mounts) =>
        mounts.Count == 0 ? "-" : string.Join(", ", mounts.Select(m =>
            $"{m.Type} {(m.IsTmpfs ? $"{m.SizeMb} MiB" : m.Source)} -> {m.Target}{(m.ReadOnly ? " (read-only)" : "")}"));

    public static string Age(TimeSpan age) => age.TotalSeconds switch
    {
        < 0 => "0s",
        < 60 => $"{(int)age.TotalSeconds}s",
        < 3600 => $"{(int)age.TotalMinutes}m",
        < 86400 => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    public static string StateMarkup(string state) => state switch
    {
        "Running" or "Ready" => $"[green]{state}[/]",
        "Pending" or "Scheduled" or "Draining" or "Stopping" => $"[yellow]{state}[/]",
        "Failed" or "Down" => $"[red]{state}[/]",
        _ => state,
    };
}
