using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Orchestrator.IntegrationTests;

/// <summary>Which traces reach the dashboard; pure, no cluster. Span names are MassTransit's, as the services emit them.</summary>
public sealed class BackgroundTraceSamplerTests
{
    private readonly BackgroundTraceSampler _sampler = new();

    [Theory]
    [InlineData("Orchestrator.Contracts:NodeHeartbeat send")]
    [InlineData("node-heartbeat receive")]
    [InlineData("Orchestrator.Contracts:GetPlacementWork send")]
    [InlineData("get-placement-work receive")]
    public void A_heartbeat_or_a_sweep_starting_a_trace_is_not_recorded(string rootName) =>
        Assert.Equal(SamplingDecision.Drop, Decide(rootName, parent: default));

    [Theory]
    [InlineData("POST /api/tasks")]
    [InlineData("Orchestrator.Contracts:SubmitTask send")]
    [InlineData("outbox NodeReady")]
    [InlineData("outbox StartTask")]
    [InlineData("task-reports receive")]
    public void Every_other_trace_is_recorded(string rootName) =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(rootName, parent: default));

    [Fact]
    public void A_placement_pass_inside_a_submission_trace_is_recorded()
    {
        var submission = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide("Orchestrator.Contracts:GetPlacementWork send", submission));
    }

    private SamplingDecision Decide(string name, ActivityContext parent) =>
        _sampler.ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), name, ActivityKind.Producer)).Decision;
}
