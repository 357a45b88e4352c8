using Orchestrator.Domain.Capacity;

namespace Orchestrator.Domain.Tests.Capacity;

public sealed class ResourcesTests
{
    [Fact]
    public void Sum_and_difference_are_per_dimension()
    {
        var a = new Resources(1.5m, 1024, 2048);
        var b = new Resources(0.25m, 64, 100);
        Assert.Equal(new Resources(1.75m, 1088, 2148), a + b);
        Assert.Equal(new Resources(1.25m, 960, 1948), a - b);
    }

    [Fact]
    public void Decimal_cpu_adds_without_float_drift()
    {
        var total = Resources.Sum(Enumerable.Repeat(new Resources(0.1m, 0, 0), 3));
        Assert.Equal(0.3m, total.Cpu);
        Assert.True(new Resources(0.3m, 0, 0).Fits(total));
    }

    [Fact]
    public void A_request_fits_only_when_every_dimension_fits()
    {
        var free = new Resources(2m, 512, 1000);
        Assert.True(free.Fits(new Resources(2m, 512, 1000)));
        Assert.False(free.Fits(new Resources(2.001m, 1, 1)));
        Assert.False(free.Fits(new Resources(0.1m, 513, 1)));
        Assert.False(free.Fits(new Resources(0.1m, 1, 1001)));
    }

    [Fact]
    public void Shortfalls_name_each_dimension_that_does_not_fit()
    {
        var free = new Resources(1m, 100, 100);
        Assert.Equal(["cpu", "disk"], free.Shortfalls(new Resources(2m, 50, 200)));
        Assert.Empty(free.Shortfalls(new Resources(1m, 100, 100)));
    }

    [Fact]
    public void Cpu_becomes_nano_cpus_and_memory_becomes_bytes()
    {
        var request = new Resources(0.25m, 64, 0);
        Assert.Equal(250_000_000L, request.NanoCpus);
        Assert.Equal(67_108_864L, request.MemoryBytes);
    }
}
