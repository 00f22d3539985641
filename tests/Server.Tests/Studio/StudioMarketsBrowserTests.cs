using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Server.Tests.Studio.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Markets page in a real browser against <c>serve --demo</c> running the shipped per-second workflow.</summary>
public sealed class StudioMarketsBrowserTests(DemoBrowserFixture browser) : IClassFixture<DemoBrowserFixture>
{
    private const string SkipReason = "Debian's Chromium is not installed at " + BrowserFixture.ChromiumPath + " (apt-get install chromium)";

    [SkippableFact]
    public async Task Markets_WithPerSecondWorkflowInDemo_SpreadUpdatesLiveWithThresholdsAndAlerts()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Markets", Exact = true }).ClickAsync();
        var last = page.GetByTestId("spread-last-btc_mxn");
        await Expect(last).ToContainTextAsync("spread");
        var first = await last.InnerTextAsync();
        await Expect(last).Not.ToHaveTextAsync(first);
        Assert.Contains("simulated", (await browser.Server.Get<IObservationStore>().LatestAsync("btc_mxn", 1, CancellationToken.None)).Single().Source, StringComparison.Ordinal);

        var chart = page.GetByTestId("spread-chart-usd_mxn");
        await Expect(chart.Locator("path")).ToHaveCountAsync(1);
        await Expect(chart).ToContainTextAsync("threshold 0.1%");
        await Expect(chart).ToContainTextAsync("higher thresholds: threshold 0.5%, threshold 1.0%");
        await Expect(chart).ToContainTextAsync($"threshold {DemoBrowserFixture.AlwaysCrossedThreshold}%");

        // Every simulated spread is above the added threshold, so each book opens an alert on it within seconds.
        var open = page.GetByTestId("open-alerts");
        await Expect(open.Locator("tbody tr").Filter(new() { HasText = "btc_mxn" }).Filter(new() { HasText = $"{DemoBrowserFixture.AlwaysCrossedThreshold} %" }))
            .ToHaveCountAsync(1, new() { Timeout = 20_000 });
        var alerts = await browser.Server.Get<MarketDataQueries>().ListAlertsAsync("btc_mxn", true, null, 100, CancellationToken.None);
        var alert = Assert.Single(alerts, a => a.ThresholdPct == DemoBrowserFixture.AlwaysCrossedThreshold);
        await Expect(open.GetByTestId($"open-alert-{alert.Id}")).ToContainTextAsync(DemoBrowserFixture.WorkflowId);
        await Expect(page.GetByTestId($"alert-{alert.Id}")).ToContainTextAsync("open");
        await Expect(page.GetByTestId("book-open-alerts-btc_mxn")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "13-markets");
    }
}
