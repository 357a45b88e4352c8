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
/// Lets a report through to its consumer only if <see cref="ReportSenders"/> allows it. A refused report is not
/// consumed, so the broker moves it to the queue's <c>_skipped</c> queue, where an operator can see it.
/// </summary>
public sealed class ReportSenderFilter<TReport>(ReportSenders senders, Func<TReport, Guid> nodeId) : IFilter<ConsumeContext<TReport>>
    where TReport : class
{
    public Task Send(ConsumeContext<TReport> context, IPipe<ConsumeContext<TReport>> next) =>
        senders.Allows(context, nodeId(context.Message), typeof(TReport).Name) ? next.Send(context) : Task.CompletedTask;

    public void Probe(ProbeContext context) => context.CreateFilterScope("reportSender");
}
