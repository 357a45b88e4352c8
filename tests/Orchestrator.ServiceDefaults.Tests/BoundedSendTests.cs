using Microsoft.Extensions.Hosting;

namespace Orchestrator.ServiceDefaults.Tests;

public sealed class BoundedSendTests
{
    [Fact]
    public async Task A_send_that_ignores_its_cancellation_is_left_behind_with_a_timeout_that_names_it()
    {
        var stuck = new TaskCompletionSource();
        CancellationToken given = default;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => BoundedSend.WithinAsync(
            token =>
            {
                given = token;
                return stuck.Task;
            },
            TimeSpan.FromMilliseconds(50), "Publishing message 7", CancellationToken.None));

        Assert.StartsWith("Publishing message 7 took longer than", error.Message);
        Assert.True(given.IsCancellationRequested);
        Assert.False(stuck.Task.IsCompleted);
    }

    [Fact]
    public async Task A_send_that_ends_in_time_is_awaited_and_its_own_failure_passes_through()
    {
        var sent = 0;

        await BoundedSend.WithinAsync(_ => Task.FromResult(++sent), TimeSpan.FromMinutes(1), "Publishing", CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BoundedSend.WithinAsync(
            _ => Task.FromException(new InvalidOperationException("refused")), TimeSpan.FromMinutes(1), "Publishing", CancellationToken.None));

        Assert.Equal(1, sent);
        Assert.Equal("refused", error.Message);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_wait_as_a_cancellation_not_a_timeout()
    {
        using var caller = new CancellationTokenSource();
        var stuck = new TaskCompletionSource();

        var waiting = BoundedSend.WithinAsync(_ => stuck.Task, TimeSpan.FromMinutes(1), "Publishing", caller.Token);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
