using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Tests.Studio.Support;

namespace BitsoWorkflows.Server.Tests.Observability;

/// <summary>
/// <c>/metrics</c> on the real server: refused without a key, and its run counters move by exactly the runs that
/// happened. Each workflow here has an id of its own, so servers of other tests in this process do not touch its series.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string OkId = "metrics-ok";
    private const string FailId = "metrics-fail";
    private const string BusyId = "metrics-busy";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private StudioTestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await StudioTestServer.StartAsync(new Dictionary<string, string>
        {
            [OkId + ".json"] = $$"""{ "id": "{{OkId}}", "activities": [ { "id": "say", "type": "Log", "inputs": { "message": "ok" } } ] }""",
            [FailId + ".json"] = $$"""{ "id": "{{FailId}}", "activities": [ { "id": "fail", "type": "Fault", "inputs": { "message": "no data today" } } ] }""",
            // Every second, one run at a time, each lasting 2.5 s: the seconds that fall due meanwhile are missed (busy).
            [BusyId + ".json"] = $$"""
                {
                  "id": "{{BusyId}}",
                  "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" },
                  "maxActiveRuns": 1,
                  "activities": [ { "id": "wait", "type": "Delay", "inputs": { "duration": "00:00:02.500" } } ]
                }
                """,
        });
        _http = _server.CreateClient();
        _http.DefaultRequestHeaders.Add("X-Api-Key", _server.Get<ApiKeyStore>().Create("prometheus", AccessRole.Operator));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_WithoutCredentials_Answers401()
    {
        using var anonymous = _server.CreateClient();

        using var response = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithUnknownKey_Answers401()
    {
        using var stranger = _server.CreateClient();
        stranger.DefaultRequestHeaders.Add("X-Api-Key", "bw_not-a-key");

        using var response = await stranger.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterKnownRuns_CountersMovedByExactlyThoseRuns()
    {
        await PauseAsync(BusyId); // not yet: the manual runs are counted first, on a quiet server
        for (var i = 0; i < 3; i++) await TriggerAsync(OkId);
        for (var i = 0; i < 2; i++) await TriggerAsync(FailId);
        await WaitForRunsAsync(OkId, "succeeded", 3);
        await WaitForRunsAsync(FailId, "failed", 2);

        var text = await ScrapeWhenReachedAsync(
            ("workflow_run_ended_total", Labels(OkId, "manual", "succeeded"), 3),
            ("workflow_run_ended_total", Labels(FailId, "manual", "failed"), 2));
        Assert.Equal(3, Value(text, "workflow_run_ended_total", Labels(OkId, "manual", "succeeded")));
        Assert.Equal(2, Value(text, "workflow_run_ended_total", Labels(FailId, "manual", "failed")));
        Assert.Equal(3, Value(text, "workflow_run_started_total", $"workflow_id=\"{OkId}\",workflow_trigger=\"manual\""));
        Assert.Equal(2, Value(text, "workflow_run_started_total", $"workflow_id=\"{FailId}\",workflow_trigger=\"manual\""));
        Assert.Equal(0, Value(text, "workflow_run_ended_total", Labels(OkId, "manual", "failed")));
        Assert.Equal(0, Value(text, "workflow_run_ended_total", Labels(FailId, "manual", "succeeded")));
        Assert.Equal(3, Value(text, "workflow_run_duration_seconds_count", $"workflow_id=\"{OkId}\",workflow_run_status=\"succeeded\""));
        Assert.Equal(2, Value(text, "workflow_activity_duration_seconds_count", $"workflow_activity_status=\"failed\",workflow_activity_type=\"Fault\",workflow_id=\"{FailId}\""));
        Assert.Equal(0, Value(text, "workflow_run_active", $"workflow_id=\"{OkId}\""));
        Assert.Contains("# TYPE workflow_store_queued_writes gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterMissedSeconds_MissedCounterEqualsTheMissedRunsStored()
    {
        // How many seconds a busy per-second workflow misses depends on the machine; the store says how many it did.
        await ResumeAsync(BusyId);
        await WaitForRunsAsync(BusyId, "missed", 2);
        await PauseAsync(BusyId);
        await WaitUntilQuietAsync(BusyId);

        var missed = await CountRunsAsync(BusyId, "missed");
        var succeeded = await CountRunsAsync(BusyId, "succeeded");
        var text = await ScrapeWhenReachedAsync(
            ("workflow_run_ended_total", Labels(BusyId, "schedule", "missed"), missed),
            ("workflow_run_ended_total", Labels(BusyId, "schedule", "succeeded"), succeeded));
        Assert.Equal(missed, Value(text, "workflow_run_ended_total", Labels(BusyId, "schedule", "missed")));
        Assert.Equal(succeeded, Value(text, "workflow_run_ended_total", Labels(BusyId, "schedule", "succeeded")));
        Assert.Equal(succeeded, Value(text, "workflow_run_started_total", $"workflow_id=\"{BusyId}\",workflow_trigger=\"schedule\""));
        // Missed for whatever reason (busy, a late fire on a loaded machine, a fire that never came), in total.
        Assert.Equal(missed, Sum(text, "workflow_scheduler_missed_total", $"workflow_id=\"{BusyId}\""));
        Assert.True(Sum(text, "workflow_scheduler_fire_offset_seconds_count", $"workflow_id=\"{BusyId}\"") > 0);
    }

    private static string Labels(string workflowId, string trigger, string status) =>
        $"workflow_id=\"{workflowId}\",workflow_run_status=\"{status}\",workflow_trigger=\"{trigger}\"";

    private async Task TriggerAsync(string workflowId)
    {
        using var response = await _http.PostAsJsonAsync($"/api/workflows/{workflowId}/runs", new { });
        Assert.True(response.IsSuccessStatusCode, $"{workflowId}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task PauseAsync(string workflowId) => (await _http.PostAsync($"/api/workflows/{workflowId}/pause", null)).EnsureSuccessStatusCode().Dispose();

    private async Task ResumeAsync(string workflowId) => (await _http.PostAsync($"/api/workflows/{workflowId}/resume", null)).EnsureSuccessStatusCode().Dispose();

    private async Task<int> CountRunsAsync(string workflowId, string status) =>
        JsonDocument.Parse(await _http.GetStringAsync($"/api/runs?workflow={workflowId}&status={status}&limit=1000")).RootElement.GetArrayLength();

    private async Task WaitForRunsAsync(string workflowId, string status, int count) =>
        await PollAsync(async () => await CountRunsAsync(workflowId, status) >= count, $"{count} {status} runs of {workflowId}");

    /// <summary>Paused, with no run queued or running: nothing of this workflow changes any more.</summary>
    private async Task WaitUntilQuietAsync(string workflowId) =>
        await PollAsync(async () => await CountRunsAsync(workflowId, "running") == 0 && await CountRunsAsync(workflowId, "queued") == 0, $"{workflowId} to have no active run");

    /// <summary>Scrapes until every series has reached its expected value (the exporter may lag the store a moment), and returns that scrape.</summary>
    private async Task<string> ScrapeWhenReachedAsync(params (string Name, string Labels, double Expected)[] series)
    {
        var text = "";
        await PollAsync(async () =>
        {
            text = await ScrapeAsync();
            return series.All(s => Value(text, s.Name, s.Labels) >= s.Expected);
        }, string.Join(", ", series.Select(s => $"{s.Name}{{{s.Labels}}} to reach {s.Expected}")));
        return text;
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of the series with exactly these labels (besides <c>otel_scope_name</c>), 0 when it is absent.</summary>
    private static double Value(string exposition, string name, string labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal)) continue;
            var close = line.LastIndexOf('}');
            var found = string.Join(',', line[(name.Length + 1)..close].Split(',').Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal)));
            if (found == labels) return double.Parse(line[(close + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    /// <summary>The sum of the series whose labels include <paramref name="labelsPart"/>.</summary>
    private static double Sum(string exposition, string name, string labelsPart) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l[..(l.LastIndexOf('}') + 1)].Contains(labelsPart, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    private static async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {Patience.TotalSeconds:0} s for {what}");
            await Task.Delay(200);
        }
    }
}
