using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>Notes, marks and clears through the API: their rules, the run's history and the audit log.</summary>
public sealed class RunOperationsApiTests : IAsyncLifetime
{
    private const string Chain = """
        {
          "id": "chain",
          "params": { "day": { "type": "string", "default": "monday" } },
          "activities": [
            { "id": "extract", "type": "Log", "inputs": { "message": "extract {{ params.day }}" } },
            { "id": "load", "type": "Log", "inputs": { "message": "load {{ params.day }}" } },
            { "id": "report", "type": "Log", "inputs": { "message": "report" } }
          ],
          "edges": [ { "from": "extract", "to": "load" }, { "from": "load", "to": "report" } ]
        }
        """;

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string> { ["chain.json"] = Chain });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> FinishedRunAsync()
    {
        var id = await _server.Http.StartRunAsync("chain", logicalTime: null!, new { day = "friday" });
        var (status, error) = await _server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));
        Assert.True(status == "succeeded", $"run {id} {status}: {error}");
        return id;
    }

    [Fact]
    public async Task NoteMarkAndClear_AreRecordedInTheRunsHistoryAndTheAuditLog()
    {
        var id = await FinishedRunAsync();

        using var note = await _server.Http.PostAsJsonAsync($"/api/runs/{id}/notes", new { text = "Late **upstream** file" });
        using var mark = await _server.Http.PostAsJsonAsync($"/api/runs/{id}/mark", new { status = "failed", reason = "report was empty" });
        using var markActivity = await _server.Http.PostAsJsonAsync($"/api/runs/{id}/mark", new { status = "failed", reason = "wrong rows", activity = "load" });
        using var clear = await _server.Http.PostAsJsonAsync($"/api/runs/{id}/clear", new { activity = "load", downstream = true });
        var cleared = JsonDocument.Parse(await clear.Content.ReadAsStringAsync()).RootElement;
        var clearedId = cleared.GetProperty("id").GetString()!;
        var (clearedStatus, _) = await _server.Http.WaitForRunAsync(clearedId, TimeSpan.FromSeconds(60));
        var run = JsonDocument.Parse(await _server.Http.GetStringAsync($"/api/runs/{id}")).RootElement;
        var rerun = JsonDocument.Parse(await _server.Http.GetStringAsync($"/api/runs/{clearedId}")).RootElement;
        var history = JsonDocument.Parse(await _server.Http.GetStringAsync($"/api/runs/{id}/history")).RootElement.EnumerateArray().ToList();
        var audit = await _server.Http.GetStringAsync("/api/audit?limit=50");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Accepted), (note.StatusCode, mark.StatusCode, markActivity.StatusCode, clear.StatusCode));
        Assert.Equal("failed", run.GetProperty("run").GetProperty("status").GetString());
        Assert.Contains("report was empty", run.GetProperty("run").GetProperty("error").GetString());
        Assert.Equal("failed", run.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("activityId").GetString() == "load").GetProperty("status").GetString());
        Assert.Equal("succeeded", clearedStatus);
        Assert.Equal(id, rerun.GetProperty("run").GetProperty("retryOf").GetString());
        Assert.Equal("friday", rerun.GetProperty("run").GetProperty("params").GetProperty("day").GetString());
        Assert.Equal(["note", "mark-run", "mark-activity", "clear"], history.Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal("Late **upstream** file", history[0].GetProperty("text").GetString());
        Assert.Equal("succeeded→failed", history[1].GetProperty("status").GetString());
        Assert.Equal(("load, report", clearedId), (history[3].GetProperty("text").GetString(), history[3].GetProperty("newRunId").GetString()));
        Assert.All(history, h => Assert.Equal("cli", h.GetProperty("actor").GetString()));
        foreach (var action in new[] { "\"note\"", "\"mark\"", "\"clear\"" })
            Assert.Contains(action, audit);
        Assert.Contains($"\"target\":\"{id}\"", audit.Replace(" ", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("notes", """{ "text": "   " }""", HttpStatusCode.BadRequest, "the note is empty")]
    [InlineData("mark", """{ "status": "cancelled", "reason": "x" }""", HttpStatusCode.BadRequest, "use succeeded or failed")]
    [InlineData("mark", """{ "status": "1", "reason": "x" }""", HttpStatusCode.BadRequest, "use succeeded or failed")]
    [InlineData("mark", """{ "status": "failed" }""", HttpStatusCode.BadRequest, "a reason is required")]
    [InlineData("mark", """{ "status": "succeeded", "reason": "x" }""", HttpStatusCode.Conflict, "already succeeded")]
    [InlineData("mark", """{ "status": "failed", "reason": "x", "activity": "nope" }""", HttpStatusCode.NotFound, "no activity 'nope'")]
    [InlineData("clear", """{ }""", HttpStatusCode.BadRequest, "'activity' is required")]
    [InlineData("clear", """{ "activity": "nope" }""", HttpStatusCode.NotFound, "no activity 'nope'")]
    public async Task Operation_WithBadInput_AnswersProblemDetailsNamingIt(string route, string body, HttpStatusCode expected, string fragment)
    {
        var id = await FinishedRunAsync();

        using var response = await _server.Http.PostAsync($"/api/runs/{id}/{route}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(fragment, problem);
    }

    [Fact]
    public async Task Operation_OnAnUnknownRun_Answers404()
    {
        using var note = await _server.Http.PostAsJsonAsync("/api/runs/nope/notes", new { text = "x" });
        using var history = await _server.Http.GetAsync("/api/runs/nope/history");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (note.StatusCode, history.StatusCode));
    }
}
