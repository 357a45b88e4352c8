using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Audit;

/// <summary>
/// The audit entry for the change a message asks for: the caller the Api stamped on it (<see cref="CallerHeaders"/>),
/// the command and what it names. <see cref="Persistence.StateTransaction"/> writes it with the change, so only
/// what committed is in the trail; a message with no caller (an agent's report, StateStore's own work) has none.
/// </summary>
public static class AuditTrail
{
    public static AuditEntryRecord? EntryFor(ConsumeContext context, DateTimeOffset at)
    {
        if (context.Headers.Get<string>(CallerHeaders.Key) is not { Length: > 0 } caller)
            return null;
        var (kind, subject) = Describe(context);
        return new AuditEntryRecord
        {
            At = at,
            Caller = Cut(caller, AuditEntryRecord.MaxCallerLength)!,
            Address = Cut(context.Headers.Get<string>(CallerHeaders.Address), AuditEntryRecord.MaxAddressLength),
            Kind = Cut(kind, AuditEntryRecord.MaxKindLength)!,
            Subject = Cut(subject, AuditEntryRecord.MaxSubjectLength),
        };
    }

    /// <summary>The command's name, and what it is asked of: a task, a node, a job, a secret or a registry.</summary>
    public static (string Kind, string? Subject) Describe(ConsumeContext context) => context switch
    {
        ConsumeContext<SubmitTask> c => (nameof(SubmitTask), Task(c.Message.TaskId)),
        ConsumeContext<CancelTask> c => (nameof(CancelTask), Task(c.Message.TaskId)),
        ConsumeContext<ReleaseTaskVolumes> c => (nameof(ReleaseTaskVolumes), Task(c.Message.TaskId)),
        ConsumeContext<DrainNode> c => (nameof(DrainNode), Node(c.Message.NodeId)),
        ConsumeContext<MarkNodeReady> c => (nameof(MarkNodeReady), Node(c.Message.NodeId)),
        ConsumeContext<ApplyJob> c => (nameof(ApplyJob), Job(c.Message.Name)),
        ConsumeContext<ScaleJob> c => (nameof(ScaleJob), Job(c.Message.Name)),
        ConsumeContext<RunJobNow> c => (nameof(RunJobNow), Job(c.Message.Name)),
        ConsumeContext<PromoteJob> c => (nameof(PromoteJob), Job(c.Message.Name)),
        ConsumeContext<RestartJob> c => (nameof(RestartJob), Job(c.Message.Name)),
        ConsumeContext<RevertJob> c => (nameof(RevertJob), Job(c.Message.Name)),
        ConsumeContext<DeleteJob> c => (nameof(DeleteJob), Job(c.Message.Name)),
        ConsumeContext<SetSecret> c => (nameof(SetSecret), $"secret/{c.Message.Name}"),
        ConsumeContext<DeleteSecret> c => (nameof(DeleteSecret), $"secret/{c.Message.Name}"),
        ConsumeContext<SetRegistryCredentials> c => (nameof(SetRegistryCredentials), $"registry/{c.Message.Server}"),
        ConsumeContext<DeleteRegistryCredentials> c => (nameof(DeleteRegistryCredentials), $"registry/{c.Message.Server}"),
        // A change added later still shows, by its message type, until it is named here.
        _ => (context.SupportedMessageTypes.FirstOrDefault()?.Split(':')[^1] ?? "unknown", null),
    };

    private static string Task(Guid id) => $"task/{id}";
    private static string Node(Guid id) => $"node/{id}";
    private static string Job(string name) => $"job/{name}";

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
