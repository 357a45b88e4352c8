using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records every trace except those the cluster's own clockwork starts: an agent's heartbeat (every few seconds
/// from every node) and the Scheduler's sweep (a placement pass on a timer). As traces of their own they would
/// outnumber everything a user looks for in the dashboard by hundreds to one. Nothing of a task is lost: a sweep
/// records each task's placement in that task's own trace (<see cref="TaskTrace"/>), and what a heartbeat changes
/// (a node Ready, an orphan stopped) goes out through the outbox as a trace of its own. Spans with a parent follow
/// their parent's decision, as OpenTelemetry's default sampler does.
/// </summary>
public sealed class BackgroundTraceSampler : Sampler
{
    // MassTransit names a root span after the message it sends ("Orchestrator.Contracts:NodeHeartbeat send") or,
    // when the sender recorded none, after the queue that receives it ("node-heartbeat receive").
    private static readonly string[] BackgroundMessages = ["NodeHeartbeat", "GetPlacementWork"];
    private static readonly string[] BackgroundQueues = ["node-heartbeat", "get-placement-work"];

    private readonly Sampler _default = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && IsBackground(samplingParameters.Name)
            ? new SamplingResult(SamplingDecision.Drop)
            : _default.ShouldSample(samplingParameters);

    internal static bool IsBackground(string spanName) =>
        BackgroundMessages.Any(message => spanName.Contains($":{message} ", StringComparison.Ordinal))
        || BackgroundQueues.Any(queue => spanName.StartsWith($"{queue} ", StringComparison.Ordinal));
}
