using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Server.Studio.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Markets page's alert tables rendered to HTML: open alerts, and the history with resolved ones.</summary>
public sealed class SpreadAlertsPanelTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Render_WithOpenAndResolvedAlerts_ShowsOpenOnesAndTheHistoryWithResolvedTimeAndPeak()
    {
        var open = Alert(1, "btc_mxn", 0.1m, Now.AddSeconds(-90), resolvedAt: null, peak: 0.2345m);
        var resolved = Alert(2, "usd_mxn", 0.5m, Now.AddMinutes(-30), resolvedAt: Now.AddMinutes(-27), peak: 0.75m);

        var html = await RenderAsync([open], [open, resolved]);

        var openTable = html[html.IndexOf("data-testid=\"open-alerts\"", StringComparison.Ordinal)..html.IndexOf("data-testid=\"alert-history\"", StringComparison.Ordinal)];
        Assert.Contains("1 open", openTable);
        Assert.Contains("open-alert-1", openTable);
        Assert.DoesNotContain("open-alert-2", openTable);
        Assert.Contains("1 min 30 s", openTable);
        Assert.Contains("0.2345 %", openTable);

        var history = html[html.IndexOf("data-testid=\"alert-history\"", StringComparison.Ordinal)..];
        var resolvedRow = history[history.IndexOf("data-testid=\"alert-2\"", StringComparison.Ordinal)..];
        resolvedRow = resolvedRow[..resolvedRow.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("usd_mxn", resolvedRow);
        Assert.Contains("0.5 %", resolvedRow);
        Assert.Contains("2026-11-28 09:30:00", resolvedRow);
        Assert.Contains("2026-11-28 09:33:00", resolvedRow);
        Assert.Contains("3 min 0 s", resolvedRow);
        Assert.Contains("0.75 %", resolvedRow);
        Assert.Contains("runs/run-2", resolvedRow);
    }

    [Fact]
    public async Task Render_WithoutAlerts_SaysNoneIsOpenAndNoneOpenedYet()
    {
        var html = await RenderAsync([], []);

        Assert.Contains("No spread is above a threshold right now.", html);
        Assert.Contains("No alert has opened yet.", html);
    }

    private static async Task<string> RenderAsync(IReadOnlyList<SpreadAlert> open, IReadOnlyList<SpreadAlert> history)
    {
        // MudBlazor's services need a JS runtime to exist; static rendering never calls it.
        await using var services = new ServiceCollection().AddMudServices().AddLogging().AddSingleton<IJSRuntime, NoBrowser>()
            .AddSingleton<NavigationManager, FixedNavigation>().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<SpreadAlertsPanel>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(SpreadAlertsPanel.Open)] = open,
                [nameof(SpreadAlertsPanel.History)] = history,
                [nameof(SpreadAlertsPanel.Now)] = Now,
            }));
            return output.ToHtmlString();
        });
    }

    private static SpreadAlert Alert(long id, string book, decimal threshold, DateTimeOffset openedAt, DateTimeOffset? resolvedAt, decimal peak) => new()
    {
        Id = id,
        Book = book,
        ThresholdPct = threshold,
        FirstAboveAt = openedAt,
        OpenedAt = openedAt,
        ResolvedAt = resolvedAt,
        PeakSpreadPct = peak,
        PeakAt = openedAt.AddSeconds(5),
        WorkflowId = "order-book-every-second",
        WorkflowVersion = 1,
        RunId = $"run-{id}",
    };

    private sealed class FixedNavigation : NavigationManager
    {
        public FixedNavigation() => Initialize("http://127.0.0.1/", "http://127.0.0.1/markets");
    }

    private sealed class NoBrowser : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            throw new InvalidOperationException($"No browser in this test; '{identifier}' was called.");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            throw new InvalidOperationException($"No browser in this test; '{identifier}' was called.");
    }
}
