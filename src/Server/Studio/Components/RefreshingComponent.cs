using Microsoft.AspNetCore.Components;

namespace BitsoWorkflows.Server.Studio.Components;

/// <summary>
/// A page or panel that reloads what it shows on a period while it is open: one timer on the injected clock, loads
/// that never overlap, a redraw after each, and everything stopped when the component goes away.
/// </summary>
public abstract class RefreshingComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    [Inject]
    protected TimeProvider Time { get; set; } = null!;

    /// <summary>Cancelled when the component is disposed; pass it to every load.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>
    /// Calls <paramref name="load"/> every <paramref name="period"/> (skipping ticks while <paramref name="when"/> says
    /// no) and redraws after each, until the component is disposed. Call once, from <c>OnInitializedAsync</c>.
    /// </summary>
    protected void RefreshEvery(TimeSpan period, Func<Task> load, Func<bool>? when = null) => _ = LoopAsync(period, load, when, until: null);

    /// <summary>As <see cref="RefreshEvery"/>, but only until <paramref name="done"/> says so (checked before and after each load): a run followed until it ends.</summary>
    protected void Follow(TimeSpan period, Func<Task> load, Func<bool> done) => _ = LoopAsync(period, load, when: null, until: done);

    private async Task LoopAsync(TimeSpan period, Func<Task> load, Func<bool>? when, Func<bool>? until)
    {
        using var timer = new PeriodicTimer(period, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (until?.Invoke() == true) return;
                if (when is not null && !when()) continue;
                await load();
                await InvokeAsync(StateHasChanged);
                if (until?.Invoke() == true) return;
            }
        }
        catch (OperationCanceledException)
        {
            // Closed.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>What a derived component releases besides the refresh loop.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
