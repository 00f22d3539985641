using System.Text.Json;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>
/// On the real server: a run of a producer starts the workflow triggered by its asset at once (no poll wait), and the
/// API, the CLI and the asset list link the two runs both ways.
/// </summary>
public sealed class AssetTriggerApiTests
{
    private const string Producer = """
        { "id": "producer", "name": "producer", "trigger": { "cron": "0 0 * * * ?" },
          "activities": [ { "id": "write", "type": "Log", "inputs": { "message": "written" }, "produces": ["reports/daily"] } ], "edges": [] }
        """;

    private const string Consumer = """
        { "id": "consumer", "name": "consumer", "trigger": { "assets": ["reports/daily"] },
          "activities": [ { "id": "read", "type": "Log", "inputs": { "message": "covering {{ run.dataIntervalStart }}: {{ params.triggeringAssets }}" } } ], "edges": [] }
        """;

    private const string Waiting = """
        { "id": "waiting", "name": "waiting", "trigger": { "assets": ["nobody/makes-this"] },
          "activities": [ { "id": "read", "type": "Log", "inputs": { "message": "never" } } ], "edges": [] }
        """;

    [Fact]
    public async Task AProducersRun_StartsTheConsumer_AndBothRunsLinkToEachOther()
    {
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string> { ["producer.json"] = Producer, ["consumer.json"] = Consumer, ["waiting.json"] = Waiting },
            configuration: ["--Scheduler:AssetPollInterval=00:05:00"]);

        var producerRun = await server.Http.StartRunAsync("producer", "2026-11-28T07:00:00Z");
        Assert.Equal("succeeded", (await server.Http.WaitForRunAsync(producerRun, TimeSpan.FromSeconds(60))).Status);

        // The poll is 5 minutes: a run within seconds means the production woke the trigger.
        var runs = await Eventually.WaitAsync(
            async () => JsonDocument.Parse(await server.Http.GetStringAsync("/api/runs?workflow=consumer&trigger=asset")).RootElement.Clone(),
            r => r.GetArrayLength() == 1 && r[0].GetProperty("status").GetString() == "succeeded", "the asset-triggered run to succeed", seconds: 30);
        var consumerRun = runs[0].GetProperty("id").GetString()!;
        Assert.Equal(("asset", "2026-11-28T07:00:00Z", "2026-11-28T08:00:00Z"),
            (runs[0].GetProperty("triggerKind").GetString(), Utc(runs[0].GetProperty("dataIntervalStart")), Utc(runs[0].GetProperty("dataIntervalEnd"))));

        var detail = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{consumerRun}")).RootElement;
        var cause = Assert.Single(detail.GetProperty("triggeredBy").EnumerateArray());
        Assert.Equal(("reports/daily", producerRun, "producer", "write"),
            (cause.GetProperty("asset").GetString(), cause.GetProperty("runId").GetString(), cause.GetProperty("workflowId").GetString(), cause.GetProperty("activityId").GetString()));
        Assert.Contains(producerRun, detail.GetProperty("activities")[0].GetProperty("outputs").GetProperty("message").GetString());

        var produced = Assert.Single(JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{producerRun}")).RootElement.GetProperty("produced").EnumerateArray());
        Assert.Equal(consumerRun, Assert.Single(produced.GetProperty("startedRuns").EnumerateArray()).GetProperty("runId").GetString());

        var text = RunPrinter.Detail((await RunDetailDto.LoadAsync(server.Get<RunStore>(), server.Get<AssetStore>(), consumerRun, CancellationToken.None))!, OutputFormat.Table);
        Assert.Matches($@"triggered by\s+reports/daily \[2026-11-28 07:00:00Z, 2026-11-28 08:00:00Z\) from run {producerRun} of producer \(write\)", text);
        var producerText = RunPrinter.Detail((await RunDetailDto.LoadAsync(server.Get<RunStore>(), server.Get<AssetStore>(), producerRun, CancellationToken.None))!, OutputFormat.Table);
        Assert.Contains($"produced       reports/daily by write, started run {consumerRun} of consumer", producerText);

        var assets = JsonDocument.Parse(await server.Http.GetStringAsync("/api/assets")).RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("asset").GetString()!);
        Assert.Equal(["nobody/makes-this", "reports/daily"], assets.Keys.Order());
        Assert.Equal(0, assets["nobody/makes-this"].GetProperty("producers").GetArrayLength());
        Assert.Equal("waiting", assets["nobody/makes-this"].GetProperty("consumers")[0].GetString());
        Assert.Equal((1, producerRun), (assets["reports/daily"].GetProperty("events").GetInt32(), assets["reports/daily"].GetProperty("latest").GetProperty("runId").GetString()));

        var workflows = JsonDocument.Parse(await server.Http.GetStringAsync("/api/workflows")).RootElement.EnumerateArray().ToDictionary(w => w.GetProperty("id").GetString()!);
        Assert.Equal("assets reports/daily", workflows["consumer"].GetProperty("trigger").GetString());
        Assert.False(workflows["consumer"].TryGetProperty("nextFireTime", out var next) && next.ValueKind != JsonValueKind.Null, "an asset-triggered workflow has no next fire time");
    }

    [Fact]
    public async Task AnAssetProducedByTheCli_IsListed_AndStartsTheConsumerWhenTheServerStarts()
    {
        var root = TempFolder.Create();
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "workflows"));
            await File.WriteAllTextAsync(Path.Combine(root, "workflows", "producer.json"), Producer);
            await File.WriteAllTextAsync(Path.Combine(root, "workflows", "consumer.json"), Consumer);

            var triggered = await CliProcess.RunAsync(root, "trigger", "producer", "--logical-time", "2026-11-28T07:00:00Z");
            var listed = await CliProcess.RunAsync(root, "assets", "list");
            var json = await CliProcess.RunAsync(root, "assets", "list", "--format", "json");

            Assert.True(triggered.ExitCode == 0, triggered.Stderr);
            Assert.True(listed.ExitCode == 0, listed.Stderr);
            Assert.Matches(@"reports/daily\s+producer\.write\s+consumer\s+1\s", listed.Stdout);
            var asset = Assert.Single(JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray());
            var producerRun = asset.GetProperty("latest").GetProperty("runId").GetString()!;

            // The CLI does not start asset-triggered runs; the server does at its first pass.
            await using var server = await TestServer.StartAsync(root: root);
            var runs = await Eventually.WaitAsync(
                async () => JsonDocument.Parse(await server.Http.GetStringAsync("/api/runs?workflow=consumer")).RootElement.Clone(),
                r => r.GetArrayLength() == 1, "the consumer's run after the server started", seconds: 30);
            var detail = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{runs[0].GetProperty("id").GetString()}")).RootElement;
            Assert.Equal(producerRun, detail.GetProperty("triggeredBy")[0].GetProperty("runId").GetString());

            var usage = await CliProcess.RunAsync(root, "assets", "show");
            Assert.Equal(2, usage.ExitCode);
            Assert.Contains("unknown verb 'assets show' (use list)", usage.Stderr);
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }

    private static string Utc(JsonElement time) => time.GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
}
