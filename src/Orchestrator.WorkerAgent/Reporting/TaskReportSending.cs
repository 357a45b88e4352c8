using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>How the agent sends its reports about tasks: to the task's own report queue (<see cref="TaskReportQueue"/>).</summary>
public static class TaskReportSending
{
    /// <summary>To the queue's exchange, which StateStore declares with the queue (<see cref="QueueAddress.Of"/>).</summary>
    public static async Task SendReport<TReport>(this ISendEndpointProvider sender, TReport report, CancellationToken cancellationToken = default)
        where TReport : class, ITaskReport
    {
        var endpoint = await sender.GetSendEndpoint(QueueAddress.Of(TaskReportQueue.For(report.TaskId)));
        await endpoint.Send(report, cancellationToken);
    }
}
