using System.Text.Json;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>The shipped lake-day-check-daily workflow, loaded from workflows/ by a real server and run through the API.</summary>
public sealed class LakeDayCheckWorkflowTests
{
    [Fact]
    public async Task Run_OnAnEmptyLake_WaitsInVainInspectsEachBookTakesTheIncompleteBranchAndShowsInstancesInApiAndCli()
    {
        // The shipped workflow with its sensor's two hours shortened to a few pokes.
        var shipped = RepoFiles.Workflow("lake-day-check-daily");
        const string Sensor = "\"sensor\": { \"pokeInterval\": \"00:05:00\", \"timeout\": \"02:00:00\", \"softFail\": true }";
        Assert.Contains(Sensor, shipped);
        var definition = shipped.Replace(Sensor, "\"sensor\": { \"pokeInterval\": \"00:00:00.100\", \"timeout\": \"00:00:00.300\", \"softFail\": true }", StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["lake-day-check-daily.json"] = definition });

        var id = await server.Http.StartRunAsync("lake-day-check-daily", "2026-11-20T00:00:00Z");
        var (status, error) = await server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(status == "succeeded", $"run {status}: {error}");
        var activities = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("activities").EnumerateArray()
            .ToDictionary(a => a.GetProperty("activityId").GetString()!);
        Assert.Equal(["complete-day", "incomplete-day", "inspect[0]", "inspect[1]", "report", "summarise", "wait-for-day[0]", "wait-for-day[1]"], activities.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("skipped", activities["wait-for-day[1]"].GetProperty("status").GetString());
        Assert.Contains("usd_mxn 2026-11-20: 0 of 144 window files; skipped (softFail)", activities["wait-for-day[1]"].GetProperty("error").GetString());
        Assert.Equal(1, activities["inspect[1]"].GetProperty("mapIndex").GetInt32());
        Assert.True(!activities["summarise"].TryGetProperty("mapIndex", out var none) || none.ValueKind == JsonValueKind.Null);
        Assert.Equal("usd_mxn", activities["inspect[1]"].GetProperty("outputs").GetProperty("book").GetString());
        Assert.Equal(144, activities["inspect[0]"].GetProperty("outputs").GetProperty("missingFiles").GetInt32());
        Assert.Equal("skipped", activities["complete-day"].GetProperty("status").GetString());
        Assert.Contains("was not taken", activities["complete-day"].GetProperty("error").GetString());
        Assert.Equal("incomplete day: 288 window files missing; books [\"btc_mxn\",\"usd_mxn\"]",
            activities["incomplete-day"].GetProperty("outputs").GetProperty("message").GetString());
        Assert.Equal("succeeded", activities["report"].GetProperty("status").GetString());

        var detail = await RunDetailDto.LoadAsync(server.Get<RunStore>(), server.Get<AssetStore>(), id, CancellationToken.None);
        var text = RunPrinter.Detail(detail!, OutputFormat.Table);
        Assert.Matches(@"inspect\[1\]\s+InspectLakeDay\s+1\s+succeeded", text);
        Assert.Matches(@"complete-day\s+Log\s+1\s+skipped", text);
        Assert.Matches(@"wait-for-day\[0\]\s+WaitForLakeDay\s+1\s+skipped", text);
    }
}
