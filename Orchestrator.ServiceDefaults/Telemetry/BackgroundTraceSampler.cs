using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records every trace except those the cluster's own clockwork starts: an agent's heartbeat (every few seconds
/// from every node) and the Scheduler's sweep (a placement pass on a timer). As traces of their own they would
/// outnumber everything a user looks for in the dashboard by hundreds to one. Nothing of a task is lost: a sweep
/// records each task's placement in that task's own trace (<see cref="TaskTrace"/>), and what a heartbeat changes
/// (a node Ready, an orphan stopped) goes out through the outbox as a trace of its own. Spans with a parent follow
/// their parent's decision, as OpenTelemetry's default sampler does.
/// <para>
/// Of the other traces it records a share, <paramref name="ratio"/>, chosen by trace id: all of them by default,
/// as a dashboard on a developer's machine wants; a large cluster records a sample (<see cref="RatioFrom"/>).
/// </para>
/// </summary>
public sealed class BackgroundTraceSampler(double ratio = 1.0) : Sampler
{
    // MassTransit names a root span after the message it sends ("Orchestrator.Contracts:NodeHeartbeat send") or,
    // when the sender recorded none, after the queue that receives it ("node-heartbeat receive").
    private static readonly string[] BackgroundMessages = ["NodeHeartbeat", "GetPlacementWork"];
    private static readonly string[] BackgroundQueues = ["node-heartbeat", "get-placement-work"];

    private readonly Sampler _default = new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && IsBackground(samplingParameters.Name)
            ? new SamplingResult(SamplingDecision.Drop)
            : _default.ShouldSample(samplingParameters);

    internal static bool IsBackground(string spanName) =>
        BackgroundMessages.Any(message => spanName.Contains($":{message} ", StringComparison.Ordinal))
        || BackgroundQueues.Any(queue => spanName.StartsWith($"{queue} ", StringComparison.Ordinal));

    /// <summary>
    /// The share of traces to record, from OpenTelemetry's own variables: <c>OTEL_TRACES_SAMPLER</c>
    /// (<c>parentbased_traceidratio</c> or <c>traceidratio</c> with <c>OTEL_TRACES_SAMPLER_ARG</c> between 0 and 1,
    /// or <c>always_on</c> / <c>always_off</c>, with or without <c>parentbased_</c>). A parent's decision is always
    /// followed, so each form means the same here. Unset: every trace.
    /// </summary>
    public static double RatioFrom(IConfiguration configuration)
    {
        var sampler = configuration["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant();
        var argument = configuration["OTEL_TRACES_SAMPLER_ARG"];
        return sampler switch
        {
            null or "" or "always_on" or "parentbased_always_on" => 1.0,
            "always_off" or "parentbased_always_off" => 0.0,
            "traceidratio" or "parentbased_traceidratio" => string.IsNullOrWhiteSpace(argument) ? 1.0 : Ratio(argument),
            _ => throw new InvalidOperationException(
                $"OTEL_TRACES_SAMPLER is '{sampler}'; Orchestrator takes always_on, always_off or traceidratio " +
                "(each also with parentbased_), and OTEL_TRACES_SAMPLER_ARG for the ratio."),
        };
    }

    private static double Ratio(string argument) =>
        double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"OTEL_TRACES_SAMPLER_ARG is '{argument}'; it must be a number from 0 to 1.");
}
