using System.Globalization;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Server.Tests.Studio.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Markets and Data pages in a real browser against <c>serve --demo</c> running the shipped workflows.</summary>
public sealed class StudioDemoBrowserTests(DemoBrowserFixture browser) : IClassFixture<DemoBrowserFixture>
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

    [SkippableFact]
    public async Task System_WithPerSecondWorkflowInDemo_ShowsLiveFiguresAndRunsShowTheirTrace()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "System", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("system-scheduler-state")).ToHaveTextAsync("running");
        // Live: the count of fires in the last ten minutes grows while the page is open.
        var fires = page.GetByTestId("system-fire-count");
        await Expect(fires).Not.ToHaveTextAsync("0");
        var before = await fires.InnerTextAsync();
        await Expect(fires).Not.ToHaveTextAsync(before);
        await Expect(page.GetByTestId("system-fire-p99")).ToContainTextAsync(" ms");
        await Expect(page.GetByTestId("system-latency-btc_mxn")).ToContainTextAsync("ms");
        await Expect(page.GetByTestId("system-open-alerts")).Not.ToHaveTextAsync("0");
        await Expect(page.GetByTestId("system-runs-stored")).ToContainTextAsync("runs");
        await Expect(page.GetByTestId("system-market-store")).ToContainTextAsync("market.db");
        // This node, from the store's node list, alive and named as this node.
        var node = browser.Server.Get<Microsoft.Extensions.Options.IOptions<BitsoWorkflows.Engine.Hosting.EngineOptions>>().Value.NodeName;
        await Expect(page.GetByTestId($"system-node-{node}")).ToContainTextAsync("(this node)");
        await Expect(page.GetByTestId($"system-node-state-{node}")).ToHaveTextAsync("alive");
        await Expect(page.GetByTestId($"system-node-forget-{node}")).ToHaveCountAsync(0);
        // A node that left an hour ago (as a killed node's row stays): unseen, with a Forget button that drops it, audited.
        var contexts = browser.Server.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<BitsoWorkflows.Engine.Persistence.WorkflowDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var gone = DateTime.UtcNow.AddHours(-1);
            db.Nodes.Add(new BitsoWorkflows.Engine.Persistence.NodeRecord { Name = "node-gone", StartedAt = gone.AddHours(-1), LastSeenAt = gone });
            await db.SaveChangesAsync();
        }
        await Expect(page.GetByTestId("system-node-state-node-gone")).ToHaveTextAsync("unseen");
        await BrowserFixture.ScreenshotAsync(page, "15-system");
        // Asked first: Cancel keeps it.
        await page.GetByTestId("system-node-forget-node-gone").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("system-node-node-gone")).ToHaveCountAsync(1);
        await page.GetByTestId("system-node-forget-node-gone").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Forget node 'node-gone'?");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Forget" }).ClickAsync();
        await Expect(page.GetByTestId("system-node-node-gone")).ToHaveCountAsync(0);
        await Expect(page.GetByText("forgot node 'node-gone'")).ToBeVisibleAsync();
        var audited = await browser.Server.Get<BitsoWorkflows.Engine.Persistence.AuditStore>().ListAsync(null, null, 50, CancellationToken.None);
        Assert.Contains(audited, a => a is { Action: "forget-node", Target: "node-gone", Outcome: "ok", Address: "studio" });

        var run = Assert.Single(await browser.Server.Get<BitsoWorkflows.Engine.Persistence.RunStore>().ListAsync(
            new BitsoWorkflows.Engine.Persistence.RunQuery { WorkflowId = DemoBrowserFixture.WorkflowId, Status = BitsoWorkflows.Engine.Execution.RunStatus.Succeeded, Limit = 1 }, CancellationToken.None));
        Assert.Matches("^[0-9a-f]{32}$", run.TraceId);
        await page.GotoAsync($"/runs/{run.Id}");
        await Expect(page.GetByTestId("run-trace-id")).ToHaveTextAsync(run.TraceId!);
    }

    [SkippableFact]
    public async Task Questions_AfterMasterDataRunFromTheStudio_FormAnswersAsTheWarehouseDoes()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var day = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await browser.SignedInPageAsync();

        // Load the generated demo snapshots for yesterday, as a user would: Run now with a logical time.
        await page.GetByTestId($"run-{DemoBrowserFixture.MasterDataWorkflowId}").ClickAsync();
        await page.GetByLabel("Logical time (optional, UTC interval start)").FillAsync($"{day}T00:00:00Z");
        await BrowserFixture.StartRunFromDialogAsync(page);
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });

        await page.GetByRole(AriaRole.Link, new() { Name = "Data", Exact = true }).ClickAsync();
        var expected = await browser.Server.Get<AnswerService>().AnswerAsync("active-users", new AnswerArguments { Date = DateOnly.Parse(day, CultureInfo.InvariantCulture) }, CancellationToken.None);
        var count = Assert.IsType<long>(expected.Scalar);
        Assert.True(count > 0);
        await Expect(page.GetByTestId("warehouse-table-fct_transaction")).ToContainTextAsync(day);
        await Expect(page.GetByTestId("questions").Locator("[data-testid^=question-]")).ToHaveCountAsync(8);
        // The demo snapshots carry bad lines on purpose; the load quarantines them.
        var reject = Assert.Single(await browser.Server.Get<WarehouseInventory>().RejectsAsync(null, 1, CancellationToken.None));
        await page.GetByTestId("warehouse-rejects-toggle").ClickAsync();
        await Expect(page.GetByTestId("warehouse-rejects").Locator("tbody tr").First).ToContainTextAsync(reject.Reason);

        var question = page.GetByTestId("question-active-users");
        await Expect(question.Locator("input[type=date]")).ToHaveValueAsync(day);
        await page.GetByTestId("answer-active-users").ClickAsync();
        await Expect(page.GetByTestId("answer-value-active-users")).ToHaveTextAsync(count.ToString(CultureInfo.InvariantCulture));

        await page.GetByTestId("answer-login-count").ClickAsync();
        await Expect(page.GetByTestId("answer-error-login-count")).ToContainTextAsync("login-count needs user");
        await BrowserFixture.ScreenshotAsync(page, "14-data-warehouse-questions");
    }
}
