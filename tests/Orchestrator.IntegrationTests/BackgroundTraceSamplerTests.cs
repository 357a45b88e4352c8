using System.Diagnostics;
using Microsoft.Extensions.Configuration;
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
    [InlineData("task-reports-3 receive")]
    public void Every_other_trace_is_recorded(string rootName) =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(rootName, parent: default));

    [Fact]
    public void A_placement_pass_inside_a_submission_trace_is_recorded()
    {
        var submission = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide("Orchestrator.Contracts:GetPlacementWork send", submission));
    }

    [Fact]
    public void A_sampled_cluster_records_no_new_trace_at_ratio_zero_but_finishes_the_ones_it_began()
    {
        var sampled = new BackgroundTraceSampler(ratio: 0);
        var recorded = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        Assert.Equal(SamplingDecision.Drop, Decide("POST /api/tasks", parent: default, sampled));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide("Orchestrator.Contracts:SubmitTask send", recorded, sampled));
    }

    [Fact]
    public void A_ratio_records_about_that_share_of_new_traces()
    {
        var sampled = new BackgroundTraceSampler(ratio: 0.25);

        var recorded = Enumerable.Range(0, 4000).Count(_ => Decide("POST /api/tasks", parent: default, sampled) == SamplingDecision.RecordAndSample);

        Assert.InRange(recorded, 800, 1200);
    }

    [Theory]
    [InlineData(null, null, 1.0)]
    [InlineData("always_on", null, 1.0)]
    [InlineData("parentbased_always_off", null, 0.0)]
    [InlineData("parentbased_traceidratio", "0.01", 0.01)]
    [InlineData("TraceIdRatio", " 0.5 ", 0.5)]
    [InlineData("traceidratio", null, 1.0)]
    public void The_ratio_comes_from_OpenTelemetrys_own_variables(string? sampler, string? argument, double expected) =>
        Assert.Equal(expected, BackgroundTraceSampler.RatioFrom(Configuration(sampler, argument)));

    [Theory]
    [InlineData("jaeger_remote", null, "OTEL_TRACES_SAMPLER")]
    [InlineData("traceidratio", "1.5", "OTEL_TRACES_SAMPLER_ARG")]
    [InlineData("parentbased_traceidratio", "half", "OTEL_TRACES_SAMPLER_ARG")]
    public void A_sampler_it_cannot_honour_stops_the_service_naming_the_variable(string sampler, string? argument, string variable)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BackgroundTraceSampler.RatioFrom(Configuration(sampler, argument)));

        Assert.StartsWith(variable + " is ", error.Message);
    }

    private static IConfiguration Configuration(string? sampler, string? argument) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = sampler,
            ["OTEL_TRACES_SAMPLER_ARG"] = argument,
        }).Build();

    private SamplingDecision Decide(string name, ActivityContext parent, BackgroundTraceSampler? sampler = null) =>
        (sampler ?? _sampler).ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), name, ActivityKind.Producer)).Decision;
}
