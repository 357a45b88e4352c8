using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>How the agent sends its reports about tasks: to the task's own report queue (<see cref="TaskReportQueue"/>).</summary>
public static class TaskReportSending
{
    /// <summary>
    /// Sent to the queue's exchange, which StateStore declares with the queue, rather than to the queue itself: a
    /// sender to a queue declares it as well, and only StateStore knows the arguments (quorum, single active consumer)
    /// that its queues must be declared with.
    /// </summary>
    public static async Task SendReport<TReport>(this ISendEndpointProvider sender, TReport report, CancellationToken cancellationToken = default)
        where TReport : class, ITaskReport
    {
        var endpoint = await sender.GetSendEndpoint(new Uri($"exchange:{TaskReportQueue.For(report.TaskId)}"));
        await endpoint.Send(report, cancellationToken);
    }
}
