using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

public sealed class WorkflowsAndRunsApiTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string>
    {
        ["hello.json"] = SampleWorkflows.Hello,
        ["daily.json"] = SampleWorkflows.Daily,
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Http => _server.Http;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<JsonElement> WaitForRunAsync(string id)
    {
        for (var i = 0; i < 200; i++)
        {
            var run = await JsonAsync(await Http.GetAsync($"/api/runs/{id}"));
            if (run.GetProperty("run").GetProperty("status").GetString() is not ("queued" or "running")) return run;
            await Task.Delay(50);
        }
        throw new TimeoutException($"run {id} did not finish");
    }

    [Fact]
    public async Task ListWorkflows_ShowsTriggerAndNextFire()
    {
        var workflows = await JsonAsync(await Http.GetAsync("/api/workflows"));

        var daily = workflows.EnumerateArray().Single(w => w.GetProperty("id").GetString() == "daily");
        Assert.StartsWith("cron 0 0 0 * * ?", daily.GetProperty("trigger").GetString());
        Assert.Equal(TimeSpan.FromMinutes(5), daily.GetProperty("nextFireTime").GetDateTimeOffset().TimeOfDay);
    }

    [Fact]
    public async Task ListWorkflows_WhenAStoredCalendarHasNoOccurrenceLeft_ListsItWithoutNextFireAndTheOthers()
    {
        // Published before the validator refused cron year fields: "daily in 2020", whose last occurrence is past.
        var catalog = _server.Get<BitsoWorkflows.Engine.Definitions.WorkflowCatalog>();
        var daily = (await catalog.GetPublishedAsync("daily", CancellationToken.None))!.Definition;
        await catalog.Store.PublishAsync(daily with { Id = "ended", Trigger = new BitsoWorkflows.Engine.Definitions.TriggerDefinition { Cron = "0 0 0 * * ? 2020" } }, "test", null, CancellationToken.None);

        using var response = await Http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var workflows = (await JsonAsync(response)).EnumerateArray().ToDictionary(w => w.GetProperty("id").GetString()!);
        Assert.False(workflows["ended"].TryGetProperty("nextFireTime", out var next) && next.ValueKind != JsonValueKind.Null);
        Assert.EndsWith("no occurrence left: publish a version with a calendar that fires", workflows["ended"].GetProperty("trigger").GetString());
        Assert.DoesNotContain("no occurrence", workflows["daily"].GetProperty("trigger").GetString());
        Assert.Equal(JsonValueKind.String, workflows["daily"].GetProperty("nextFireTime").ValueKind);
    }

    [Fact]
    public async Task Trigger_WithParams_RunsAndReturnsAttemptsAndJournal()
    {
        using var response = await Http.PostAsJsonAsync("/api/workflows/hello/runs", new { @params = new { who = "api" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await JsonAsync(response)).GetProperty("id").GetString()!;

        var detail = await WaitForRunAsync(id);

        Assert.Equal("succeeded", detail.GetProperty("run").GetProperty("status").GetString());
        var attempt = detail.GetProperty("activities")[0];
        Assert.Equal("hello api", attempt.GetProperty("outputs").GetProperty("message").GetString());
        Assert.Equal("hello api", attempt.GetProperty("journal")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Trigger_WithBadInput_Is400ProblemNaming()
    {
        using var unknownParam = await Http.PostAsJsonAsync("/api/workflows/hello/runs", new { @params = new { whom = "x" } });
        using var offSchedule = await Http.PostAsJsonAsync("/api/workflows/daily/runs", new { logicalTime = "2026-11-01T03:00:00Z" });
        using var unknownWorkflow = await Http.PostAsJsonAsync("/api/workflows/ghost/runs", new { });

        Assert.Equal(HttpStatusCode.BadRequest, unknownParam.StatusCode);
        Assert.Contains("unknown param 'whom'", (await JsonAsync(unknownParam)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, offSchedule.StatusCode);
        Assert.Contains("is not an interval start", (await JsonAsync(offSchedule)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownWorkflow.StatusCode);
        Assert.Equal("application/problem+json", unknownWorkflow.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Publish_WhenInvalid_Is400WithEveryErrorAndPath()
    {
        using var content = new StringContent(SampleWorkflows.Invalid.Replace("\"invalid\"", "\"hello\""), Encoding.UTF8, "application/json");

        using var response = await Http.PostAsync("/api/workflows/hello/versions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await JsonAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("$.trigger.cron", errors);
        Assert.Contains("$.activities[0].type", errors);
        Assert.Contains("$.edges[0].to", errors);
    }

    [Fact]
    public async Task PublishAndRevert_AppendVersions()
    {
        using var content = new StringContent(SampleWorkflows.HelloSaying("hola"), Encoding.UTF8, "application/json");
        using var published = await Http.PostAsync("/api/workflows/hello/versions", content);
        using var reverted = await Http.PostAsync("/api/workflows/hello/versions/1/revert", null);
        var versions = await JsonAsync(await Http.GetAsync("/api/workflows/hello/versions"));

        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reverted.StatusCode);
        Assert.Equal([3, 2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("revert", versions[0].GetProperty("origin").GetString());
        Assert.DoesNotContain("hola", versions[0].GetProperty("json").GetString());
    }

    [Fact]
    public async Task Draft_IsKeptInHistoryWithoutRunningUntilPublished()
    {
        using var content = new StringContent(SampleWorkflows.HelloSaying("draft"), Encoding.UTF8, "application/json");
        using var saved = await Http.PostAsync("/api/workflows/hello/drafts", content);
        var before = await JsonAsync(await Http.GetAsync("/api/workflows/hello"));
        using var published = await Http.PostAsync("/api/workflows/hello/versions/2/publish", null);
        using var notADraft = await Http.PostAsync("/api/workflows/hello/versions/1/publish", null);
        var after = await JsonAsync(await Http.GetAsync("/api/workflows/hello"));

        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        Assert.Equal("draft", (await JsonAsync(saved)).GetProperty("state").GetString());
        Assert.Equal(1, before.GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(3, after.GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, notADraft.StatusCode);
    }

    [Fact]
    public async Task RunsList_FiltersAndRejectsBadFilters()
    {
        using var _ = await Http.PostAsJsonAsync("/api/workflows/hello/runs", new { });
        using var __ = await Http.PostAsJsonAsync("/api/workflows/daily/runs", new { logicalTime = "2026-11-01T00:00:00Z" });
        var all = await JsonAsync(await Http.GetAsync("/api/runs?limit=50"));
        var ok = await Http.GetAsync("/api/runs?workflow=hello&limit=5");
        var badStatus = await Http.GetAsync("/api/runs?status=happy");
        var badLimit = await Http.GetAsync("/api/runs?limit=0");
        var missing = await Http.GetAsync("/api/runs/nope");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains(all.EnumerateArray(), r => r.GetProperty("workflowId").GetString() == "daily");
        var filtered = (await JsonAsync(ok)).EnumerateArray().ToList();
        Assert.NotEmpty(filtered);
        Assert.All(filtered, r => Assert.Equal("hello", r.GetProperty("workflowId").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Backfill_CreatesOneRunPerDayAndReportsProgress()
    {
        using var created = await Http.PostAsJsonAsync("/api/backfills", new { workflowId = "daily", from = "2026-11-01T00:00:00Z", to = "2026-11-04T00:00:00Z", maxParallel = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await JsonAsync(created)).GetProperty("id").GetString();

        JsonElement backfill;
        var attempts = 0;
        do
        {
            await Task.Delay(50);
            backfill = await JsonAsync(await Http.GetAsync($"/api/backfills/{id}"));
        }
        while (backfill.GetProperty("status").GetString() == "running" && ++attempts < 400);

        Assert.Equal("succeeded", backfill.GetProperty("status").GetString());
        Assert.Equal(3, backfill.GetProperty("succeeded").GetInt32());
        var runs = await JsonAsync(await Http.GetAsync($"/api/runs?backfill={id}"));
        Assert.Equal(3, runs.GetArrayLength());
    }

    [Fact]
    public async Task Backfill_WithBadRange_Is400()
    {
        using var response = await Http.PostAsJsonAsync("/api/backfills", new { workflowId = "daily", from = "2026-11-04T00:00:00Z", to = "2026-11-01T00:00:00Z" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must be before", (await JsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PauseAndResume_AreReflectedInTheWorkflow()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PostAsync("/api/workflows/daily/pause", null)).StatusCode);
        var paused = await JsonAsync(await Http.GetAsync("/api/workflows/daily"));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PostAsync("/api/workflows/daily/resume", null)).StatusCode);
        var resumed = await JsonAsync(await Http.GetAsync("/api/workflows/daily"));

        Assert.True(paused.GetProperty("isPaused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, paused.TryGetProperty("nextFireTime", out var next) ? next.ValueKind : JsonValueKind.Null);
        Assert.False(resumed.GetProperty("isPaused").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync("/api/workflows/ghost/pause", null)).StatusCode);
    }

    [Fact]
    public async Task Resume_WithCatchUp_RunsTheDaysMissedWhilePaused_AndABadFlagIs400()
    {
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        await _server.Get<Engine.Persistence.DefinitionStore>().MarkScheduledAsync("daily", new DateTimeOffset(today.AddDays(-5), TimeSpan.Zero), CancellationToken.None);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.PostAsync("/api/workflows/daily/pause", null)).StatusCode);

        using var bad = await Http.PostAsync("/api/workflows/daily/resume?catchup=sometimes", null);
        using var resumed = await Http.PostAsync("/api/workflows/daily/resume?catchup=true", null);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        // The running server notices the resume and runs the four days that fell due after the last scheduled one.
        var expected = Enumerable.Range(1, 4).Select(d => today.AddDays(-5 + d)).ToList();
        var runs = _server.Get<Engine.Persistence.RunStore>();
        List<DateTime> caughtUp = [];
        for (var attempt = 0; attempt < 100 && caughtUp.Count < expected.Count; attempt++)
        {
            await Task.Delay(200);
            caughtUp = [.. (await runs.ListAsync(new Engine.Persistence.RunQuery { WorkflowId = "daily", Limit = 50 }, CancellationToken.None))
                .Where(r => r.TriggerKind == Engine.Execution.TriggerKind.Catchup).Select(r => r.LogicalTime).Order()];
        }
        Assert.Equal(expected, caughtUp);
    }
}
