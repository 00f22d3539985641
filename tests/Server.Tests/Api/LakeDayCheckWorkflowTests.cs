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
    public async Task Run_OnAnEmptyLake_InspectsEachBookTakesTheIncompleteBranchAndShowsInstancesInApiAndCli()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["lake-day-check-daily.json"] = RepoFiles.Workflow("lake-day-check-daily") });

        var id = await server.Http.StartRunAsync("lake-day-check-daily", "2026-11-20T00:00:00Z");
        var (status, error) = await server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(status == "succeeded", $"run {status}: {error}");
        var activities = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("activities").EnumerateArray()
            .ToDictionary(a => a.GetProperty("activityId").GetString()!);
        Assert.Equal(["complete-day", "incomplete-day", "inspect[0]", "inspect[1]", "report", "summarise"], activities.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, activities["inspect[1]"].GetProperty("mapIndex").GetInt32());
        Assert.True(!activities["summarise"].TryGetProperty("mapIndex", out var none) || none.ValueKind == JsonValueKind.Null);
        Assert.Equal("usd_mxn", activities["inspect[1]"].GetProperty("outputs").GetProperty("book").GetString());
        Assert.Equal(144, activities["inspect[0]"].GetProperty("outputs").GetProperty("missingFiles").GetInt32());
        Assert.Equal("skipped", activities["complete-day"].GetProperty("status").GetString());
        Assert.Contains("was not taken", activities["complete-day"].GetProperty("error").GetString());
        Assert.Equal("incomplete day: 288 window files missing; books [\"btc_mxn\",\"usd_mxn\"]",
            activities["incomplete-day"].GetProperty("outputs").GetProperty("message").GetString());
        Assert.Equal("succeeded", activities["report"].GetProperty("status").GetString());

        var detail = await RunDetailDto.LoadAsync(server.Get<RunStore>(), id, CancellationToken.None);
        var text = RunPrinter.Detail(detail!, OutputFormat.Table);
        Assert.Matches(@"inspect\[1\]\s+InspectLakeDay\s+1\s+succeeded", text);
        Assert.Matches(@"complete-day\s+Log\s+1\s+skipped", text);
    }
}
