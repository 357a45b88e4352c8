using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Orchestrator.Web.Api;

namespace Orchestrator.Web.Components.Shared;

/// <summary>
/// A page that keeps itself current: it asks the Api when it opens and again every
/// <see cref="WebOptions.RefreshInterval"/> while it is open, with no reload. A failed refresh shows its sentence
/// (<see cref="Error"/>) and keeps what was last shown; the next one that succeeds clears it.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private PeriodicTimer? _timer;

    [Inject] protected OrchestratorApi Api { get; set; } = null!;

    [Inject] protected IOptions<WebOptions> Options { get; set; } = null!;

    /// <summary>What the last call to the Api said went wrong; null once a call succeeds.</summary>
    protected string? Error { get; set; }

    /// <summary>Cancelled when the page closes.</summary>
    protected CancellationToken Closed => _closed.Token;

    /// <summary>Reads what the page shows from the Api.</summary>
    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    protected override async Task OnParametersSetAsync() => await RefreshAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page lives on after its first render; a prerendered one is done once it is sent.
        if (firstRender && RendererInfo.IsInteractive)
            _ = KeepCurrentAsync();
    }

    /// <summary>Loads again now, e.g. after a button changed something.</summary>
    protected async Task RefreshAsync()
    {
        try
        {
            await LoadAsync(Closed);
            Error = null;
        }
        catch (ApiException failed)
        {
            Error = failed.Message;
        }
        catch (OperationCanceledException) when (Closed.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs a change the person asked for, shows its failure if it fails, and loads the page again.</summary>
    protected async Task ChangeAsync(Func<CancellationToken, Task> change)
    {
        try
        {
            await change(Closed);
            Error = null;
        }
        catch (ApiException failed)
        {
            Error = failed.Message;
            return;
        }
        await RefreshAsync();
    }

    private async Task KeepCurrentAsync()
    {
        _timer = new PeriodicTimer(Options.Value.RefreshInterval);
        try
        {
            while (await _timer.WaitForNextTickAsync(Closed))
            {
                await RefreshAsync();
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _closed.Cancel();
        _timer?.Dispose();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}
