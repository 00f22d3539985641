using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Notifications;
using BitsoWorkflows.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Server.Tests.Notifications;

/// <summary>A failure and a deadline miss reach a local SMTP sink and a local webhook sink (signed, retried), and the signing secret shows nowhere.</summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string Secret = "hook-secret-5f1e2d";

    private SmtpSink _smtp = null!;
    private WebhookSink _webhook = null!;
    private WebhookSink _lateWebhook = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _smtp = new SmtpSink();
        _webhook = await WebhookSink.StartAsync();
        _webhook.FailFirst = 1; // the first POST answers 503: the delivery is retried
        _lateWebhook = await WebhookSink.StartAsync();
        var notify = $$"""
            "webhooks": [ { "url": "{{_webhook.Url}}", "secretName": "ops" } ], "emails": ["oncall@example.com", "lead@example.com"]
            """;
        var lateNotify = $$"""
            "webhooks": [ { "url": "{{_lateWebhook.Url}}", "secretName": "ops" } ], "emails": ["oncall@example.com"]
            """;
        var failing = $$"""
            { "id": "failing", "notify": { "on": ["failure", "success"], {{notify}} },
              "activities": [ { "id": "load", "type": "Fault", "inputs": { "message": "no data today" } } ] }
            """;
        // Every 3-second interval must have succeeded 1 s after it ends, but its run fires an hour after: each one misses, never started.
        var late = $$"""
            { "id": "late", "trigger": { "interval": "00:00:03", "delay": "01:00:00" },
              "deadline": { "after": "logicalEnd", "within": "00:00:01" },
              "notify": { "on": ["deadlineMiss"], {{lateNotify}} },
              "activities": [ { "id": "log", "type": "Log", "inputs": { "message": "late" } } ] }
            """;
        var gappy = $$"""
            { "id": "gappy", "trigger": { "interval": "01:00:00" }, "catchup": false,
              "notify": { "on": ["missed"], "missedPerMinute": 5, {{notify}} },
              "activities": [ { "id": "log", "type": "Log", "inputs": { "message": "gappy" } } ] }
            """;
        _server = await TestServer.StartAsync(new Dictionary<string, string> { ["failing.json"] = failing, ["late.json"] = late, ["gappy.json"] = gappy }, configuration:
        [
            $"--Notifications:Smtp:Host=127.0.0.1", $"--Notifications:Smtp:Port={_smtp.Port}", "--Notifications:Smtp:Security=None",
            "--Notifications:Smtp:From=workflows@example.com", $"--Notifications:WebhookSecrets:ops={Secret}",
            "--Notifications:RetryBackoff=00:00:00.100", "--Notifications:StudioUrl=https://studio.example",
            "--Alerts:AllowPrivateWebhookTargets=true", "--Scheduler:DeadlineCheckInterval=00:00:01",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _webhook.DisposeAsync();
        await _lateWebhook.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task FailedRun_ReachesTheWebhookSignedAndRetried_AndTheSmtpSink_AndIsInTheRunsHistory()
    {
        var id = await _server.Http.StartRunAsync("failing", logicalTime: null!);
        await _server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        var post = await Eventually.WaitAsync(() => Task.FromResult(_webhook.Received.FirstOrDefault(r => r.Body.Contains(id, StringComparison.Ordinal))),
            r => r.Body is not null, $"the webhook POST of run {id}");
        var mail = await Eventually.WaitAsync(() => Task.FromResult(_smtp.Messages.FirstOrDefault(m => m.Data.Contains(id, StringComparison.Ordinal))),
            m => m.Data is not null, $"the e-mail of run {id}");
        var history = await Eventually.WaitAsync(() => _server.Http.GetStringAsync($"/api/runs/{id}/history"),
            h => h.Contains("notification", StringComparison.Ordinal), $"the notification in run {id}'s history");

        var body = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal(("failure", "failing", id, "failed"), (body.GetProperty("event").GetString(), body.GetProperty("workflowId").GetString(), body.GetProperty("runId").GetString(), body.GetProperty("status").GetString()));
        Assert.Contains("no data today", body.GetProperty("error").GetString());
        Assert.Equal($"https://studio.example/runs/{id}", body.GetProperty("studioUrl").GetString());
        Assert.True(body.TryGetProperty("logicalTime", out _));
        Assert.Equal(ExpectedSignature(post.Body), post.Headers["X-BitsoWorkflows-Signature"]);
        Assert.Equal($"{id}:failure", post.Headers["X-Event-Id"]);
        Assert.Equal(["oncall@example.com", "lead@example.com"], mail.To);
        Assert.Contains("Subject: [BitsoWorkflows] failing run failed", mail.Data);
        Assert.Contains("no data today", mail.Data);
        Assert.Contains("delivered (try 2)", history); // the sink's first answer was a 503 (only one POST can get it)
        Assert.Contains("e-mail oncall@example.com, lead@example.com: delivered (try 1)", history);
    }

    [Fact]
    public async Task DeadlineMiss_OfAnIntervalThatNeverStarted_ReachesBothSinks_AndTheApi()
    {
        var post = await Eventually.WaitAsync(() => Task.FromResult(_lateWebhook.Received.FirstOrDefault(r => r.Body.Contains("deadlineMiss", StringComparison.Ordinal))),
            r => r.Body is not null, "a deadlineMiss POST");
        var mail = await Eventually.WaitAsync(() => Task.FromResult(_smtp.Messages.FirstOrDefault(m => m.Data.Contains("missed its deadline", StringComparison.Ordinal))),
            m => m.Data is not null, "a deadline-miss e-mail");
        var misses = JsonDocument.Parse(await _server.Http.GetStringAsync("/api/deadline-misses?workflow=late")).RootElement;

        var body = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal(("late", "none", JsonValueKind.Null), (body.GetProperty("workflowId").GetString(), body.GetProperty("status").GetString(), body.GetProperty("runId").ValueKind));
        Assert.True(body.GetProperty("deadlineAt").GetDateTimeOffset() > body.GetProperty("dataIntervalEnd").GetDateTimeOffset());
        Assert.StartsWith("https://studio.example/runs?workflow=late", body.GetProperty("studioUrl").GetString());
        Assert.Contains("Subject: [BitsoWorkflows] late missed its deadline", mail.Data);
        Assert.True(misses.GetArrayLength() >= 1);
        Assert.Equal(ExpectedSignature(post.Body), post.Headers["X-BitsoWorkflows-Signature"]);
        Assert.Equal("none", misses[0].GetProperty("runStatus").GetString());
        // Each interval is raised once: no two POSTs carry the same event id.
        var ids = _lateWebhook.Received.Where(r => r.Body.Contains("deadlineMiss", StringComparison.Ordinal)).Select(r => r.Headers["X-Event-Id"]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task MissedMinute_ReachesBothSinksSignedWithItsCountAndReasons()
    {
        var definition = (await _server.Get<WorkflowCatalog>().GetPublishedAsync("gappy", CancellationToken.None))!.Definition;
        var notifier = _server.Get<IEnumerable<IRunEventListener>>().OfType<RunNotifier>().Single();
        var minute = new DateTime(2026, 11, 29, 21, 7, 0, DateTimeKind.Utc);

        await notifier.IntervalsMissedAsync(new MissedAlertRecord
        {
            WorkflowId = "gappy",
            MinuteStart = minute,
            Missed = 7,
            RaisedAt = minute.AddSeconds(70),
            Reasons = "7× fired 1400 ms late",
        }, definition, CancellationToken.None);

        var post = await Eventually.WaitAsync(() => Task.FromResult(_webhook.Received.FirstOrDefault(r => r.Body.Contains("\"missed\"", StringComparison.Ordinal) && r.Body.Contains("gappy", StringComparison.Ordinal))),
            r => r.Body is not null, "a missed POST");
        var mail = await Eventually.WaitAsync(() => Task.FromResult(_smtp.Messages.FirstOrDefault(m => m.Data.Contains("7 interval(s) of the minute were missed", StringComparison.Ordinal))),
            m => m.Data is not null, "a missed e-mail");

        var body = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal(("missed", "gappy", JsonValueKind.Null), (body.GetProperty("event").GetString(), body.GetProperty("workflowId").GetString(), body.GetProperty("runId").ValueKind));
        Assert.Equal(new DateTimeOffset(minute), body.GetProperty("dataIntervalStart").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(minute.AddMinutes(1)), body.GetProperty("dataIntervalEnd").GetDateTimeOffset());
        Assert.Equal("7 interval(s) of the minute were missed: 7× fired 1400 ms late", body.GetProperty("error").GetString());
        Assert.Equal("gappy:20261129T2107Z:missed", post.Headers["X-Event-Id"]);
        Assert.Equal(ExpectedSignature(post.Body), post.Headers["X-BitsoWorkflows-Signature"]);
        Assert.Contains("Subject: [BitsoWorkflows] gappy missed intervals in the minute", mail.Data);
    }

    [Fact]
    public async Task Outbox_CompletesWhatWasSent_AndSendsAgainWhatAStoppedProcessNeverFinished()
    {
        var id = await _server.Http.StartRunAsync("failing", logicalTime: null!);
        await _server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));
        var outbox = _server.Get<NotificationOutbox>();
        var sent = await Eventually.WaitAsync(() => outbox.GetAsync($"{id}:failure", CancellationToken.None), r => r?.CompletedAt is not null, $"run {id}'s failure completed in the outbox");
        Assert.Contains("delivered", sent!.Summary);
        Assert.Equal(1, sent.Rounds);

        // What a process that stopped mid-send leaves: written down, never completed, its round begun long ago.
        var stranded = new NotificationEvent("stranded-1:failure", "failure", "failing", "stranded-1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            "interrupted", "The server stopped during the run.", null, "https://studio.example/runs/stranded-1", DateTimeOffset.UtcNow.AddMinutes(-10));
        await outbox.TryAddAsync(new NotificationOutboxRecord
        {
            EventId = stranded.EventId,
            WorkflowId = "failing",
            RunId = "stranded-1",
            Event = "failure",
            PayloadJson = JsonSerializer.Serialize(stranded, WebJson),
            CreatedAt = DateTime.UtcNow.AddMinutes(-10),
        }, CancellationToken.None);

        var again = await _server.Get<NotificationRedelivery>().RedeliverAsync(CancellationToken.None);

        Assert.Equal(1, again);
        var post = await Eventually.WaitAsync(() => Task.FromResult(_webhook.Received.FirstOrDefault(r => r.Headers.TryGetValue("X-Event-Id", out var e) && e == "stranded-1:failure")),
            r => r.Body is not null, "the stranded event's POST");
        Assert.Equal(ExpectedSignature(post.Body), post.Headers["X-BitsoWorkflows-Signature"]);
        var done = await outbox.GetAsync("stranded-1:failure", CancellationToken.None);
        Assert.Equal(2, done!.Rounds);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal(0, await _server.Get<NotificationRedelivery>().RedeliverAsync(CancellationToken.None)); // sent once more, not on every pass
    }

    [Fact]
    public async Task RunEndingAsTheServerStops_IsWrittenDown_AndSentAtTheNextPass()
    {
        var definition = (await _server.Get<WorkflowCatalog>().GetPublishedAsync("failing", CancellationToken.None))!.Definition;
        var notifier = _server.Get<IEnumerable<IRunEventListener>>().OfType<RunNotifier>().Single();
        var run = new RunRecord
        {
            Id = "stopping-1",
            WorkflowId = "failing",
            WorkflowVersion = 1,
            ParamsJson = "{}",
            Status = RunStatus.Interrupted,
            CreatedAt = DateTime.UtcNow,
            LogicalTime = DateTime.UtcNow,
            DataIntervalStart = DateTime.UtcNow,
            DataIntervalEnd = DateTime.UtcNow,
            Error = "The server stopped during the run.",
        };
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => notifier.RunEndedAsync(run, definition, stopping.Token));
        var outbox = _server.Get<NotificationOutbox>();
        var written = await outbox.GetAsync("stopping-1:failure", CancellationToken.None);
        Assert.NotNull(written);
        Assert.Null(written.CompletedAt);
        Assert.DoesNotContain(_webhook.Received, r => r.Headers.TryGetValue("X-Event-Id", out var e) && e == "stopping-1:failure");

        // As at the next start, once Notifications:RedeliverAfter has passed.
        await using (var db = _server.Get<IDbContextFactory<WorkflowDbContext>>().CreateDbContext())
        {
            var aged = await db.NotificationOutbox.Where(r => r.EventId == "stopping-1:failure")
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, DateTime.UtcNow.AddMinutes(-6)));
            Assert.Equal(1, aged);
        }
        await _server.Get<NotificationRedelivery>().RedeliverAsync(CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(_webhook.Received.FirstOrDefault(r => r.Headers.TryGetValue("X-Event-Id", out var e) && e == "stopping-1:failure")),
            r => r.Body is not null, "the stopped run's failure POST");
        Assert.NotNull((await outbox.GetAsync("stopping-1:failure", CancellationToken.None))!.CompletedAt);
    }

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static string ExpectedSignature(string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body)));

    [Fact]
    public async Task SigningSecret_ShowsInNoApiAnswer()
    {
        var answers = new[] { "/api/workflows/failing", "/api/workflows/failing/versions/1", "/api/workflows/late/versions/1", "/api/deadline-misses", "/openapi/v1.json" };
        foreach (var path in answers)
        {
            using var response = await _server.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync());
        }
        using var publish = await _server.Http.PostAsJsonAsync("/api/workflows/failing/versions", JsonDocument.Parse("""
            { "id": "failing", "notify": { "on": ["failure"], "webhooks": [ { "url": "https://x.example/h", "secret": "inline" } ] },
              "activities": [ { "id": "load", "type": "Fault", "inputs": { "message": "x" } } ] }
            """).RootElement);
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains("secretName", await publish.Content.ReadAsStringAsync());
    }
}
