using System.Text.Json;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Tests.Studio.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Studio in a real browser against the real server: sign in, edit and publish, run, follow the run.</summary>
public sealed class StudioBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string SkipReason = "Debian's Chromium is not installed at " + BrowserFixture.ChromiumPath + " (apt-get install chromium)";

    [SkippableFact]
    public async Task SignIn_WithAdminPassword_OpensWorkflowsPage()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await BrowserFixture.ScreenshotAsync(page, "01-login");
        await page.GetByLabel("User").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong password");
        await page.GetByLabel("User").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(StudioTestServer.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await BrowserFixture.WaitForCircuitAsync(page);

        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("admin");
        await Expect(page.GetByTestId("workflows-table")).ToContainTextAsync("Hello");
        await BrowserFixture.ScreenshotAsync(page, "02-workflows");
    }

    [SkippableFact]
    public async Task Editor_ChangeThresholdAndPublish_ShowsNewVersionInHistory()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        await page.GotoAsync($"/workflows/{TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        var editor = page.Locator("textarea[data-testid=definition-json], [data-testid=definition-json] textarea").First;
        var before = await page.GetByTestId("version-history").Locator("tbody tr").CountAsync();
        await Expect(page.GetByTestId("dag-node-report")).ToBeVisibleAsync();

        var json = await editor.InputValueAsync();
        Assert.Contains("\"default\": 0.5", json);
        await editor.FillAsync(json.Replace("\"default\": 0.5", "\"default\": 0.8", StringComparison.Ordinal));
        // Leaving the field commits the edit at once instead of after the debounce (a timer on a busy server).
        await editor.PressAsync("Tab");
        // As a person would: see the edit taken (Discard is enabled once the JSON differs) before typing the comment.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Discard changes" })).ToBeEnabledAsync();
        await page.GetByTestId("publish-comment").Locator("input").Or(page.Locator("input[data-testid=publish-comment]")).First.FillAsync("raise the threshold");
        await Expect(page.GetByTestId("publish")).ToBeEnabledAsync();
        await page.GetByTestId("publish").ClickAsync();

        var history = page.GetByTestId("version-history");
        await Expect(history.Locator("tbody tr")).ToHaveCountAsync(before + 1);
        await Expect(history.Locator("tbody tr").First).ToContainTextAsync("raise the threshold");
        await Expect(page.GetByTestId("version-diff")).ToContainTextAsync("0.8");
        await BrowserFixture.ScreenshotAsync(page, "03-editor-published");
        var published = await browser.Server.Get<Engine.Definitions.WorkflowCatalog>().GetPublishedAsync(TestWorkflows.HelloId, CancellationToken.None);
        Assert.Equal(0.8m, published!.Definition.Params["threshold"].Default!.Value.GetDecimal());
    }

    [SkippableFact]
    public async Task Editor_GraphEdits_ConnectDisconnectAndRemoveChangeTheJsonAndCyclesAreFlagged()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        await page.GotoAsync($"/workflows/{TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        var editor = page.Locator("textarea[data-testid=definition-json], [data-testid=definition-json] textarea").First;
        async Task<List<string>> EdgesAsync() =>
            [.. System.Text.Json.JsonDocument.Parse(await editor.InputValueAsync()).RootElement.GetProperty("edges").EnumerateArray()
                .Select(e => $"{e.GetProperty("from").GetString()}->{e.GetProperty("to").GetString()}")];

        await page.GetByTestId("dag-edge-remove-wait-report").ClickAsync();
        await Expect(page.GetByText("Removed the edge wait → report.")).ToBeVisibleAsync();
        Assert.Equal(["say->wait"], await EdgesAsync());

        await page.GetByTestId("dag-port-say").DragToAsync(page.GetByTestId("dag-node-report"));
        await Expect(page.GetByText("Added the edge say → report.")).ToBeVisibleAsync();
        Assert.Equal(["say->wait", "say->report"], await EdgesAsync());
        await Expect(page.GetByTestId("validation-ok")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "04-editor-graph-edit");

        await page.GetByTestId("dag-port-report").ClickAsync();
        await Expect(page.GetByTestId("dag-connecting")).ToContainTextAsync("report");
        await page.GetByTestId("dag-node-say").ClickAsync();
        await Expect(page.GetByTestId("validation-errors")).ToContainTextAsync("cycle");
        await Expect(page.GetByTestId("publish")).ToBeDisabledAsync();

        await page.GetByTestId("dag-remove-wait").ClickAsync();
        await Expect(page.GetByTestId("dag-node-wait")).ToHaveCountAsync(0);
        Assert.DoesNotContain("\"wait\"", await editor.InputValueAsync());
        Assert.Equal(["say->report", "report->say"], await EdgesAsync());

        await page.GetByRole(AriaRole.Tab, new() { Name = "Activity palette" }).ClickAsync();
        await page.GetByPlaceholder("Filter activities").FillAsync("log");
        // Drag only once the filtered palette is drawn: a re-render under the pointer cancels a drag in progress.
        await Expect(page.GetByTestId("palette-Delay")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("palette-Log")).ToBeVisibleAsync();
        await page.GetByTestId("palette-Log").DragToAsync(page.GetByTestId("dag-node-say"));
        await Expect(page.GetByText("Added log after say; fill in its inputs.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("dag-node-log")).ToBeVisibleAsync();
        Assert.Equal(["say->report", "report->say", "say->log"], await EdgesAsync());
    }

    [SkippableFact]
    public async Task Editor_SettingsForm_SetsTriggerRuleGroupAndBranchConditionAndShowsWhatTheValidatorSays()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        await page.GotoAsync($"/workflows/{TestWorkflows.BranchesId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        var editor = page.Locator("textarea[data-testid=definition-json], [data-testid=definition-json] textarea").First;
        JsonElement Activity(JsonElement root, string id) => root.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Activity settings" }).ClickAsync();
        await page.GetByTestId("settings-pick-join").ClickAsync();
        await Expect(page.GetByTestId("settings-form")).ToBeVisibleAsync();
        await page.GetByTestId("settings-rule").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "all_done", Exact = true }).ClickAsync();
        await page.Locator("input[data-testid=settings-group]").FillAsync("end");
        await page.Locator("input[data-testid=settings-when-right]").FillAsync("{{ params.side }} == \"right\"");
        await page.GetByTestId("settings-apply").ClickAsync();
        await Expect(page.GetByText("Applied the settings of join; the validator checks them.")).ToBeVisibleAsync();

        var root = JsonDocument.Parse(await editor.InputValueAsync()).RootElement;
        Assert.Equal("all_done", Activity(root, "join").GetProperty("triggerRule").GetString());
        Assert.Equal("end", Activity(root, "join").GetProperty("group").GetString());
        Assert.Equal("{{ params.side }} == \"right\"", root.GetProperty("edges").EnumerateArray()
            .Single(e => e.GetProperty("from").GetString() == "right" && e.GetProperty("to").GetString() == "join").GetProperty("when").GetString());
        await Expect(page.GetByTestId("validation-ok")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("dag-node-join")).ToContainTextAsync("all_done");

        await page.GetByTestId("settings-pick-left").ClickAsync();
        await page.Locator("input[data-testid=settings-map]").FillAsync("{{ params.side }}");
        await page.GetByTestId("settings-apply").ClickAsync();
        await Expect(page.GetByTestId("validation-errors")).ToContainTextAsync("$.activities[1].map");
        await Expect(page.GetByTestId("publish")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "16-editor-settings");
    }

    [SkippableFact]
    public async Task Editor_InvalidJson_ShowsErrorsWithPathsAndBlocksPublish()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        await page.GotoAsync($"/workflows/{TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        var editor = page.Locator("textarea[data-testid=definition-json], [data-testid=definition-json] textarea").First;

        var json = await editor.InputValueAsync();
        await editor.FillAsync(json.Replace("\"type\": \"Delay\"", "\"type\": \"NoSuchActivity\"", StringComparison.Ordinal));

        await Expect(page.GetByTestId("validation-errors")).ToContainTextAsync("NoSuchActivity");
        await Expect(page.GetByTestId("validation-errors")).ToContainTextAsync("$.activities[1]");
        await Expect(page.GetByTestId("publish")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "04-editor-invalid");
    }

    [SkippableFact]
    public async Task RunNow_FromWorkflowsPage_RunSucceedsAndAppearsInGrid()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByTestId($"run-{TestWorkflows.HelloId}").ClickAsync();
        var greeting = page.Locator("input[data-testid=param-greeting], [data-testid=param-greeting] input").First;
        await greeting.FillAsync("hola from the browser");
        await BrowserFixture.ScreenshotAsync(page, "05-run-now-dialog");
        var runId = await BrowserFixture.StartRunFromDialogAsync(page);
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        await page.GetByTestId("attempts").GetByText("say", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("journal-say")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("journal-say")).ToContainTextAsync("hola from the browser");
        await Expect(page.GetByTestId("gantt-report")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "06-run");

        await page.GetByTestId("retry-run").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/runs/(?!{runId})[0-9a-f]{{32}}$"));
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = runId })).ToBeVisibleAsync();
        var retryId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        await page.GetByRole(AriaRole.Link, new() { Name = "Runs", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId($"grid-run-{runId}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"grid-run-{retryId}")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "07-runs-grid");
    }

    [SkippableFact]
    public async Task RunPage_AddNoteMarkRunAndClearActivity_AreShownAndRecorded()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        await page.GetByTestId($"run-{TestWorkflows.HelloId}").ClickAsync();
        var runId = await BrowserFixture.StartRunFromDialogAsync(page);
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        await Expect(page.GetByTestId("gantt-run-queued")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("gantt-run-running")).ToHaveCountAsync(1);

        await page.Locator("textarea[data-testid=note-text], [data-testid=note-text] textarea").First.FillAsync("Checked by **ops** <script>window.pwned = 1</script>");
        await page.GetByTestId("add-note").ClickAsync();
        await Expect(page.GetByTestId("run-note")).ToContainTextAsync("Checked by ops");
        await Expect(page.GetByTestId("run-note").Locator("strong")).ToHaveTextAsync("ops");
        await Expect(page.GetByTestId("run-note").Locator("script")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("run-note")).ToContainTextAsync("<script>window.pwned = 1</script>");

        await page.Locator("input[data-testid=mark-reason], [data-testid=mark-reason] input").First.FillAsync("numbers were wrong");
        await page.GetByTestId("mark-failed").ClickAsync();
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Failed");
        await Expect(page.GetByTestId("run-error")).ToContainTextAsync("numbers were wrong");
        await Expect(page.GetByTestId("run-history")).ToContainTextAsync("mark-run");
        await BrowserFixture.ScreenshotAsync(page, "06b-run-operations");

        await page.GetByTestId("clear-run").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/runs/(?!{runId})[0-9a-f]{{32}}$"));
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = runId })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Runs", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId($"grid-run-{runId}")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("notes: admin: Checked by \\*\\*ops\\*\\*"));
        Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned"));

        await page.GotoAsync($"/runs?workflow={TestWorkflows.HelloId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        // The calendar counts runs by logical time: hello's hourly interval may have started yesterday (just after midnight UTC).
        var logical = (await browser.Server.Get<RunStore>().GetAsync(runId, CancellationToken.None))!.LogicalTime;
        var today = logical.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.GetByTestId("run-calendar")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"calendar-{today}")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex($"{today}: \\d+ runs, \\d+ succeeded, [1-9]\\d* failed"));
        await BrowserFixture.ScreenshotAsync(page, "07b-runs-calendar");
    }

    [SkippableFact]
    public async Task RunNow_WithLogicalTimeOffTheSchedule_ShowsWhyAndStartsNothing()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByTestId($"run-{TestWorkflows.HelloId}").ClickAsync();
        await page.GetByLabel("Logical time (optional, UTC interval start)").FillAsync("2026-01-01T00:30:00Z");
        await page.GetByTestId("start-run").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("not an interval start");
        Assert.EndsWith("/", page.Url);
    }

    [SkippableFact]
    public async Task Cancel_RunningRun_EndsCancelled()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByTestId($"run-{TestWorkflows.SlowId}").ClickAsync();
        await BrowserFixture.StartRunFromDialogAsync(page);
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Running");
        await page.GetByTestId("cancel-run").ClickAsync();

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Cancelled");
        await Expect(page.GetByTestId("retry-run")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task PauseSwitchAndSignOut_ChangeStateAndEndTheSession()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        var states = browser.Server.Get<Engine.Persistence.DefinitionStore>();

        await page.GetByTestId($"pause-{TestWorkflows.SlowId}").Locator("input").Or(page.Locator($"input[data-testid=pause-{TestWorkflows.SlowId}]")).First.ClickAsync();
        await Expect(page.GetByText("Slow paused")).ToBeVisibleAsync();
        Assert.True((await states.GetStateAsync(TestWorkflows.SlowId, CancellationToken.None))!.IsPaused);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login$"));
        await page.GotoAsync("/runs");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Fruns"));
    }

    [SkippableFact]
    public async Task PauseSwitch_ResumingACatchupWorkflowWithMissedDays_AsksAndCatchesThemUp()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        await browser.Server.Get<Engine.Persistence.DefinitionStore>().MarkScheduledAsync(TestWorkflows.NightlyId, new DateTimeOffset(today.AddDays(-4), TimeSpan.Zero), CancellationToken.None);
        var page = await browser.SignedInPageAsync();
        var pauseSwitch = page.GetByTestId($"pause-{TestWorkflows.NightlyId}").Locator("input").Or(page.Locator($"input[data-testid=pause-{TestWorkflows.NightlyId}]")).First;

        await pauseSwitch.ClickAsync();
        await Expect(page.GetByText("Nightly paused")).ToBeVisibleAsync();
        await pauseSwitch.ClickAsync();
        await Expect(page.GetByTestId("resume-missed")).ToContainTextAsync("3 interval(s) fell due while it was paused");
        await BrowserFixture.ScreenshotAsync(page, "02b-resume-catchup");
        await page.GetByTestId("resume-catchup").ClickAsync();

        await Expect(page.GetByText("Nightly resumed; catching up 3 interval(s).")).ToBeVisibleAsync();
        var runs = browser.Server.Get<Engine.Persistence.RunStore>();
        List<DateTime> caughtUp = [];
        for (var attempt = 0; attempt < 100 && caughtUp.Count < 3; attempt++)
        {
            await Task.Delay(200);
            caughtUp = [.. (await runs.ListAsync(new Engine.Persistence.RunQuery { WorkflowId = TestWorkflows.NightlyId, Limit = 10 }, CancellationToken.None))
                .Where(r => r.TriggerKind == Engine.Execution.TriggerKind.Catchup).Select(r => r.LogicalTime).Order()];
        }
        Assert.Equal([today.AddDays(-3), today.AddDays(-2), today.AddDays(-1)], caughtUp);
    }

    [SkippableFact]
    public async Task DataPage_LakeFileAndQueries_ShowsCompletenessResultGridRefusalAndCsv()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        // One window of eth_mxn with every tenth second missed: 540 of 600 rows ok.
        var window = new SpreadWindow(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
        var rows = Enumerable.Range(0, SpreadWindow.Seconds)
            .Select(i => window.Start.AddSeconds(i))
            .Select(second => second.Second % 10 == 9
                ? LakeSpreadRow.Missed(second)
                : new LakeSpreadRow { Second = second, Status = LakeSpreadRow.OkStatus, BestBid = 99m, BestAsk = 100m, Spread = 1m, SpreadPct = 1m, Source = "simulated" })
            .ToList();
        await browser.Server.Get<LakeWindowWriter>().WriteAsync(new LakeWindowFile("eth_mxn", window, rows, "test", 1), LakeFileFormat.Parquet, CancellationToken.None);
        var page = await browser.SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Data", Exact = true }).ClickAsync();
        var partition = page.GetByTestId("partition-eth_mxn-2026-01-05");
        await Expect(partition).ToContainTextAsync("90.0 %");
        await Expect(partition).ToContainTextAsync("540");
        await page.GetByTestId("partition-toggle-eth_mxn-2026-01-05").ClickAsync();
        await Expect(page.GetByTestId("lake-file-eth_mxn-20260105T1000")).ToContainTextAsync("10:00–10:10");

        var sql = page.Locator("textarea[data-testid=sql], [data-testid=sql] textarea").First;
        await sql.FillAsync("SELECT book, count(*) AS seconds, count(*) FILTER (WHERE status = 'ok') AS ok, max(spread_pct) AS widest FROM spreads GROUP BY book");
        await page.GetByTestId("run-query").ClickAsync();
        var result = page.GetByTestId("query-result");
        await Expect(result.Locator("thead th")).ToHaveCountAsync(4);
        await Expect(result.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(result.Locator("tbody tr td")).ToHaveTextAsync(["eth_mxn", "600", "540", "1.0000000000"]);
        await BrowserFixture.ScreenshotAsync(page, "08-data-query");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-csv").ClickAsync());
        Assert.Equal("query.csv", download.SuggestedFilename);
        Assert.Equal("book,seconds,ok,widest\neth_mxn,600,540,1.0000000000\n", await File.ReadAllTextAsync((await download.PathAsync())!));
        // Signed in but without the form's anti-forgery token, as another site's form would post: refused.
        var forged = page.Context.APIRequest.CreateFormData();
        forged.Set("sql", "SELECT 1");
        var response = await page.Context.APIRequest.PostAsync("/data/query.csv", new() { Form = forged });
        Assert.Equal(400, response.Status);

        await sql.FillAsync("DELETE FROM spreads");
        await page.GetByTestId("run-query").ClickAsync();
        await Expect(page.GetByTestId("query-refused")).ToContainTextAsync("Refused: DELETE changes data");
        await Expect(result).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "09-data-refused");

        await sql.FillAsync("SELEC book FROM spreads");
        await page.GetByTestId("run-query").ClickAsync();
        await Expect(page.GetByTestId("query-error")).ToContainTextAsync("syntax error");

        // Hostile queries are refused by name and the page's connection stays up: the next query still answers.
        await sql.FillAsync("SELECT " + string.Concat(Enumerable.Repeat("abs(", 70)) + "1" + new string(')', 70));
        await page.GetByTestId("run-query").ClickAsync();
        await Expect(page.GetByTestId("query-refused")).ToContainTextAsync("nests parentheses more than 48 levels");
        await sql.FillAsync("SELECT * FROM enable_logging('QueryLog')");
        await page.GetByTestId("run-query").ClickAsync();
        await Expect(page.GetByTestId("query-refused")).ToContainTextAsync("function enable_logging is not allowed");
        await sql.FillAsync("SELECT count(*) AS n FROM spreads");
        await page.GetByTestId("run-query").ClickAsync();
        await Expect(result.Locator("tbody tr td")).ToHaveTextAsync(["600"]);
    }

    [SkippableFact]
    public async Task QueryCsv_WithoutSignIn_IsNotServed()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        using var http = browser.Server.CreateClient();

        using var response = await http.PostAsync("/data/query.csv", new FormUrlEncodedContent(new Dictionary<string, string> { ["sql"] = "SELECT 1" }));

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Backfill_ThreeDaysOfDailyWorkflow_ShowsThreeSucceededRuns()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByTestId($"backfill-{TestWorkflows.DailyId}").ClickAsync();
        await page.GetByTestId("start-backfill").ClickAsync();
        await Expect(page.GetByTestId("backfill-progress")).ToContainTextAsync("3 of 3 done (3 succeeded, 0 failed");
        await BrowserFixture.ScreenshotAsync(page, "11-backfill");

        await page.GetByTestId("backfill-runs").ClickAsync();
        var grid = page.GetByTestId($"grid-{TestWorkflows.DailyId}");
        await Expect(grid.Locator("[data-testid^=grid-run-] .bw-status-succeeded")).ToHaveCountAsync(3);
        await BrowserFixture.ScreenshotAsync(page, "12-backfill-runs");
    }

    [SkippableFact]
    public async Task Run_WithABranchAndAMappedActivity_ShowsTheSkippedPathAndEachInstanceInGraphAttemptsAndGrid()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByTestId($"run-{TestWorkflows.BranchesId}").ClickAsync();
        var runId = await BrowserFixture.StartRunFromDialogAsync(page);

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        foreach (var instance in (string[])["each[0]", "each[1]", "each[2]"])
            await Expect(page.GetByTestId($"attempt-status-{instance}")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("attempt-status-left")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("attempt-status-right")).ToHaveTextAsync("skipped");
        await Expect(page.GetByTestId("attempt-status-join")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("dag-node-each")).ToContainTextAsync("[3] 3 ok");
        await Expect(page.GetByTestId("dag-node-join")).ToContainTextAsync("none_failed");
        await Expect(page.GetByTestId("dag-node-right").Locator("rect")).ToHaveAttributeAsync("fill", "#ffd8a8");
        await Expect(page.GetByTestId("dag-when-each-right")).ToContainTextAsync("params.side != \"left\"");
        await BrowserFixture.ScreenshotAsync(page, "13-branch-and-map-run");
        // A group collapses into one box with its members' most telling status (left succeeded, right skipped), and expands again.
        await page.GetByTestId("dag-group-sides").ClickAsync();
        await Expect(page.GetByTestId("dag-node-group:sides")).ToContainTextAsync("group · 2 activities");
        await Expect(page.GetByTestId("dag-node-group:sides").Locator("rect")).ToHaveAttributeAsync("fill", "#2f9e44");
        await Expect(page.GetByTestId("dag-node-left")).ToHaveCountAsync(0);
        await page.GetByTestId("dag-node-group:sides").ClickAsync();
        await Expect(page.GetByTestId("dag-node-right")).ToBeVisibleAsync();

        await page.GotoAsync($"/runs?workflow={TestWorkflows.BranchesId}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId($"grid-cell-{runId}-right")).ToHaveAttributeAsync("data-status", "skipped");
        await Expect(page.GetByTestId($"grid-cell-{runId}-each")).ToHaveAttributeAsync("data-status", "succeeded");
        foreach (var instance in (string[])["each[0]", "each[1]", "each[2]"])
            await Expect(page.GetByTestId($"grid-cell-{runId}-{instance}")).ToHaveAttributeAsync("data-status", "succeeded");
        await BrowserFixture.ScreenshotAsync(page, "14-branch-and-map-grid");
    }

    [SkippableFact]
    public async Task Run_OfASubWorkflow_LinksTheParentAndTheChildRunPages()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByTestId($"run-{TestWorkflows.ParentId}").ClickAsync();
        var runId = await BrowserFixture.StartRunFromDialogAsync(page);

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        var children = page.GetByTestId("run-children");
        await Expect(children).ToContainTextAsync("branches");
        await Expect(page.GetByTestId("dag-node-call")).ToContainTextAsync("ExecuteWorkflow");
        await BrowserFixture.ScreenshotAsync(page, "15-parent-run");
        await children.GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.GetByTestId("run-parent")).ToContainTextAsync(runId);
        await Expect(page.GetByTestId("attempt-status-right")).ToHaveTextAsync("succeeded");
        await page.GetByTestId("run-parent").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("run-children")).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task Run_ThatProducedAnAsset_LinksToTheRunItTriggered_WhichLinksBackAndCanBeCleared()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();
        await Expect(page.GetByTestId($"workflow-trigger-{TestWorkflows.OnMakerId}")).ToHaveTextAsync("assets studio/made");

        await page.GetByTestId($"run-{TestWorkflows.MakerId}").ClickAsync();
        var runId = await BrowserFixture.StartRunFromDialogAsync(page);

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        var produced = page.GetByTestId("run-produced");
        await Expect(produced).ToContainTextAsync("studio/made");
        // The consumer starts a moment after the event is recorded, maybe after this page stopped following the run.
        for (var tries = 0; tries < 40 && !(await produced.InnerTextAsync()).Contains("started on-maker run", StringComparison.Ordinal); tries++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(page);
        }
        await Expect(produced).ToContainTextAsync("started on-maker run");
        await produced.GetByRole(AriaRole.Link).Last.ClickAsync();
        await Expect(page.GetByTestId("run-triggered-by")).ToContainTextAsync(runId);
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Asset", Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "16-asset-triggered-run");
        var consumerUrl = page.Url;
        await Expect(page.GetByTestId("run-triggered-by").GetByRole(AriaRole.Link).Last).ToHaveAttributeAsync("href", $"runs/{runId}");

        // On the triggered run, reached by a link (the page component kept from the producer's run), a clear runs its
        // own activity again with its events.
        await page.GetByTestId("clear-run").ClickAsync();
        var consumerRun = consumerUrl[(consumerUrl.LastIndexOf('/') + 1)..];
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/runs/(?!{consumerRun})[0-9a-f]{{32}}$"));
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
        await Expect(page.GetByText("\"triggeringAssets\":{\"studio/made\"", new() { Exact = false })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task ApiKeysPage_CreateKey_ShowsItOnceAndTheApiAcceptsIt()
    {
        Skip.IfNot(BrowserFixture.ChromiumInstalled, SkipReason);
        var page = await browser.SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.Locator("input[data-testid=api-key-name], [data-testid=api-key-name] input").First.FillAsync("browser-made");
        await page.GetByTestId("create-api-key").ClickAsync();
        var shown = await page.GetByTestId("new-api-key").Locator(".bw-mono").InnerTextAsync();
        await BrowserFixture.ScreenshotAsync(page, "10-api-keys");

        using var http = browser.Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", shown.Trim());
        using var response = await http.GetAsync("/api/workflows");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
