using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.StateStore.Security;

/// <summary>Which agents' reports StateStore believes (section <c>StateStore:Reports</c>).</summary>
public sealed class ReportSenderOptions
{
    public const string Section = "StateStore:Reports";

    /// <summary>
    /// Accept agents' reports that name no broker user. Only while agents older than the check are being upgraded:
    /// anyone who may publish a report may leave the user out.
    /// </summary>
    public bool AcceptUnstamped { get; set; }
}

/// <summary>
/// Whether an agent's report (a heartbeat, a task's start, exit, restart, health or progress) may be believed: an
/// agent with a broker user of its own reports only about its own node (<see cref="AgentIdentity.RefusalOf"/>).
/// Without this, any agent could end another node's tasks with a made-up exit.
/// </summary>
public sealed class ReportSenders(IOptions<ReportSenderOptions> options, ILogger<ReportSenders> logger)
{
    public bool Allows(ConsumeContext context, Guid nodeId, string report)
    {
        var sender = MessagingExtensions.SenderOf(context);
        if (AgentIdentity.RefusalOf(sender, nodeId, options.Value.AcceptUnstamped) is not { } refusal)
            return true;
        logger.LogWarning("Ignored a {Report} about node {NodeId}: {Refusal}", report, nodeId, refusal);
        return false;
    }
}

/// <summary>
/// Lets a report through to its consumer only if <see cref="ReportSenders"/> allows it. A refused report is dropped,
/// with the warning <see cref="ReportSenders"/> logs. It is not moved to a <c>_skipped</c> queue: the move would
/// publish it again under StateStore's broker user with the sender's user-id, which the broker refuses by closing
/// the channel, and the queue would then take no report at all.
/// </summary>
public sealed class ReportSenderFilter<TReport>(ReportSenders senders, Func<TReport, Guid> nodeId) : IFilter<ConsumeContext<TReport>>
    where TReport : class
{
    public Task Send(ConsumeContext<TReport> context, IPipe<ConsumeContext<TReport>> next)
    {
        if (senders.Allows(context, nodeId(context.Message), typeof(TReport).Name))
            return next.Send(context);
        context.NotifyConsumed(context, TimeSpan.Zero, nameof(ReportSenderFilter<TReport>));
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("reportSender");
}
