using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Cli;

/// <summary>The CLI as a separate process, with its exit codes: 0 success, 1 the work failed, 2 usage or validation.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _root = TempFolder.Create();

    public CommandLineTests() => Directory.CreateDirectory(Path.Combine(_root, "workflows"));

    public void Dispose() => TempFolder.Delete(_root);

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(_root, "workflows", name), json);

    private Task<CliProcess.Result> Cli(params string[] args) => CliProcess.RunAsync(_root, args);

    [Fact]
    public async Task Validate_WhenFileHasErrors_PrintsEachWithItsPathAndExits2()
    {
        var file = Path.Combine(_root, "invalid.json");
        await File.WriteAllTextAsync(file, SampleWorkflows.Invalid);

        var result = await Cli("workflows", "validate", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("$.trigger.cron: unparsable cron 'every second'", result.Stderr);
        Assert.Contains("$.activities[0].type: unknown activity type 'Nope'", result.Stderr);
        Assert.Contains("$.activities[1].inputs.message: reference to unknown param 'ghost'", result.Stderr);
        Assert.Contains("$.edges[0].to: edge to unknown activity 'zz'", result.Stderr);
    }

    [Fact]
    public async Task Validate_WhenFileIsValid_Exits0()
    {
        var file = Path.Combine(_root, "hello.json");
        await File.WriteAllTextAsync(file, SampleWorkflows.Hello);

        var result = await Cli("workflows", "validate", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("valid", result.Stdout);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("runs", "list", "--limt", "5")]
    [InlineData("runs", "list", "--status", "happy")]
    [InlineData("trigger")]
    [InlineData("answer", "most-loved-coin")]
    [InlineData("answer", "active-users")]
    [InlineData("query", "drop table spreads")]
    [InlineData("query", "select * from enable_logging('QueryLog')")]
    [InlineData("query", "select nosuchcolumn from spreads")]
    [InlineData("query", "selec 1")]
    [InlineData("alerts", "list", "--book", "BTC")]
    [InlineData("runs", "mark", "some-run", "failed")]
    [InlineData("runs", "mark", "some-run", "cancelled", "--reason", "x")]
    [InlineData("runs", "clear", "some-run")]
    [InlineData("market", "export-sqlite")]
    [InlineData("market", "import-sqlite", "--fil", "x.db")]
    public async Task UsageErrors_Exit2WithOneLineReason(params string[] args)
    {
        var result = await Cli(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Trigger_WhenRunSucceeds_PrintsTheRunAndExits0()
    {
        Write("hello.json", SampleWorkflows.Hello);

        var result = await Cli("trigger", "hello", "--param", "who=bitso");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("status         succeeded", result.Stdout);
        Assert.Contains("hello bitso", result.Stdout);
    }

    [Fact]
    public async Task RunsNoteMarkClear_OnAFinishedRun_AreInItsHistory()
    {
        // A running server holds the data dir: note and mark write the store directly, clear is handed to the server.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["hello.json"] = SampleWorkflows.Hello }, root: _root);
        var id = await server.Http.StartRunAsync("hello", logicalTime: null!);
        await server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        var note = await Cli("runs", "note", id, "re-ran after the **outage**");
        var mark = await Cli("runs", "mark", id, "failed", "--reason", "greeting went to the wrong desk");
        var clear = await Cli("runs", "clear", id, "--activity", "greet", "--format", "json");
        var history = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{id}/history")).RootElement.EnumerateArray().ToList();

        Assert.Equal((0, 0, 0), (note.ExitCode, mark.ExitCode, clear.ExitCode));
        Assert.Contains("succeeded→failed", mark.Stdout);
        var rerun = JsonDocument.Parse(clear.Stdout).RootElement.GetProperty("run");
        Assert.Equal((id, "succeeded"), (rerun.GetProperty("retryOf").GetString(), rerun.GetProperty("status").GetString()));
        Assert.Equal(["note", "mark-run", "clear"], history.Select(e => e.GetProperty("kind").GetString()));
        Assert.StartsWith("cli:", history[0].GetProperty("actor").GetString());
        Assert.StartsWith("cli:", history[1].GetProperty("actor").GetString());
        Assert.Equal("cli", history[2].GetProperty("actor").GetString()); // through the server, as the CLI's local key
        Assert.Equal(rerun.GetProperty("id").GetString(), history[2].GetProperty("newRunId").GetString());
    }

    [Fact]
    public async Task Trigger_WhenRunFails_Exits1WithTheReason()
    {
        Write("broken.json", SampleWorkflows.Broken);

        var result = await Cli("trigger", "broken");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no data today", result.Stderr);
    }

    [Fact]
    public async Task Trigger_WhenParamUnknown_Exits2()
    {
        Write("hello.json", SampleWorkflows.Hello);

        var result = await Cli("trigger", "hello", "--param", "whom=x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown param 'whom'", result.Stderr);
    }

    [Fact]
    public async Task History_AfterEditingTheFile_ShowsANewVersion()
    {
        Write("hello.json", SampleWorkflows.Hello);
        Assert.Equal(0, (await Cli("workflows", "list")).ExitCode);
        Write("hello.json", SampleWorkflows.HelloSaying("hola"));

        var result = await Cli("workflows", "history", "hello", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var versions = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Contains("hola", versions[0].GetProperty("json").GetString());
        Assert.True(versions[0].GetProperty("isPublished").GetBoolean());
    }

    [Fact]
    public async Task Publish_FromAFile_AddsAVersionOrRefusesWithErrors()
    {
        Write("hello.json", SampleWorkflows.Hello);
        var edited = Path.Combine(_root, "hello-v2.json");
        await File.WriteAllTextAsync(edited, SampleWorkflows.HelloSaying("hola"));
        var invalid = Path.Combine(_root, "bad.json");
        await File.WriteAllTextAsync(invalid, SampleWorkflows.Invalid);

        var published = await Cli("workflows", "publish", edited, "--comment", "spanish");
        var refused = await Cli("workflows", "publish", invalid);

        Assert.Equal(0, published.ExitCode);
        Assert.Contains("hello version 2 published", published.Stdout);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("$.activities[0].type", refused.Stderr);
    }

    [Fact]
    public async Task Backfill_ThreeDays_RunsThreeIntervalsAndListsThem()
    {
        Write("daily.json", SampleWorkflows.Daily);

        var backfill = await Cli("backfill", "daily", "--from", "2026-11-01", "--to", "2026-11-04");
        var runs = await Cli("runs", "list", "--workflow", "daily", "--format", "json");

        Assert.Equal(0, backfill.ExitCode);
        Assert.Contains("3 total, 3 succeeded, 0 failed", backfill.Stdout);
        var logicalTimes = JsonDocument.Parse(runs.Stdout).RootElement.EnumerateArray().Select(r => r.GetProperty("logicalTime").GetDateTimeOffset()).Order().ToList();
        Assert.Equal([new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero)], logicalTimes);
    }

    [Fact]
    public async Task PauseResume_PersistsAndUnknownWorkflowExits2()
    {
        Write("daily.json", SampleWorkflows.Daily);

        Assert.Equal(0, (await Cli("workflows", "pause", "daily")).ExitCode);
        var list = await Cli("workflows", "list", "--format", "json");
        var unknown = await Cli("workflows", "pause", "ghost");

        Assert.True(JsonDocument.Parse(list.Stdout).RootElement[0].GetProperty("isPaused").GetBoolean());
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    public async Task Trigger_WhenAServerHoldsTheDataDir_HandsTheRunToIt()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["hello.json"] = SampleWorkflows.Hello }, root: TempFolder.Create());

        var result = await CliProcess.RunAsync(server.Root, "trigger", "hello");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("handing the run to the server", result.Stderr);
        Assert.Contains("status         succeeded", result.Stdout);
    }
}
