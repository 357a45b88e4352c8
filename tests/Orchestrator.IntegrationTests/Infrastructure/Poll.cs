namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Waiting for what the cluster should come to, without timing it: a condition polled until a deadline.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> every 300 ms; throws when it has not held within 90 s.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!await condition())
            await Task.Delay(300, deadline.Token);
    }
}
