using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Consumers;

namespace Orchestrator.StateStore.Tests;

public sealed class SubmissionIdempotencyTests
{
    private static TaskSpec Spec(params (string Key, string Value)[] env) => new()
    {
        Name = "web",
        Image = "nginx:1.27",
        Command = ["nginx", "-g", "daemon off;"],
        Env = env.ToDictionary(pair => pair.Key, pair => pair.Value),
    };

    [Fact]
    public void A_spec_read_back_with_its_map_in_another_order_is_the_same_request()
    {
        Assert.True(SubmitTaskConsumer.SameSpec(Spec(("A", "1"), ("BB", "2")), Spec(("BB", "2"), ("A", "1"))));
    }

    [Fact]
    public void Another_value_another_image_or_another_argument_order_is_another_request()
    {
        var spec = Spec(("A", "1"));

        Assert.False(SubmitTaskConsumer.SameSpec(spec, Spec(("A", "2"))));
        Assert.False(SubmitTaskConsumer.SameSpec(spec, spec with { Image = "nginx:1.28" }));
        Assert.False(SubmitTaskConsumer.SameSpec(spec, spec with { Command = ["nginx", "daemon off;", "-g"] }));
    }
}
