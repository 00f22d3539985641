using System.Net;
using System.Text.Json;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> answer without sign-in and say which node this is and what its scheduler
/// does; a run records the node that ran it, and the API and the CLI's run list show it.
/// </summary>
public sealed class HealthAndNodeTests
{
    [Fact]
    public async Task HealthLive_WithoutSignIn_AnswersTheNodeName()
    {
        await using var server = await TestServer.StartAsync(configuration: ["--Engine:NodeName=node-live"]);
        using var anonymous = new HttpClient { BaseAddress = server.Address };

        using var response = await anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("live", body.GetProperty("status").GetString());
        Assert.Equal("node-live", body.GetProperty("node").GetString());
    }

    [Fact]
    public async Task HealthReady_OnceTheSchedulerStarted_AnswersReadyWithTheNodesRole()
    {
        await using var server = await TestServer.StartAsync(configuration: ["--Engine:NodeName=node-ready"]);
        using var anonymous = new HttpClient { BaseAddress = server.Address };

        var (status, body) = await WaitForReadyAsync(anonymous);

        Assert.True(status == HttpStatusCode.OK, $"/health/ready answered {(int)status}: {body}");
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("node-ready", body.GetProperty("node").GetString());
        Assert.Equal("sqlite", body.GetProperty("store").GetString());
        Assert.False(body.GetProperty("clustered").GetBoolean());
        Assert.Equal("started", body.GetProperty("scheduler").GetString());
        Assert.Equal("ok", body.GetProperty("storeCheck").GetString());
        Assert.Empty(body.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task HealthReady_WhenThisNodeDoesNotSchedule_IsReadyWithTheSchedulerDisabled()
    {
        await using var server = await TestServer.StartAsync(configuration: ["--Scheduler:Enabled=false"]);
        using var anonymous = new HttpClient { BaseAddress = server.Address };

        var (status, body) = await WaitForReadyAsync(anonymous);

        Assert.True(status == HttpStatusCode.OK, $"/health/ready answered {(int)status}: {body}");
        Assert.Equal("disabled", body.GetProperty("scheduler").GetString());
    }

    [Fact]
    public async Task Runs_RecordTheNodeThatRanThem_InTheApiAndTheCliList()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["hello.json"] = SampleWorkflows.Hello }, configuration: ["--Engine:NodeName=node-7"]);
        var id = await server.Http.StartRunAsync("hello", "2026-11-29T10:00:00Z");
        await server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(30));

        var listed = JsonDocument.Parse(await server.Http.GetStringAsync("/api/runs?workflow=hello")).RootElement.EnumerateArray().Single();
        var detail = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("run");
        Assert.Equal("node-7", listed.GetProperty("node").GetString());
        Assert.Equal("node-7", detail.GetProperty("node").GetString());

        var runs = JsonSerializer.Deserialize<List<RunDto>>(await server.Http.GetStringAsync("/api/runs?workflow=hello"), Engine.Definitions.DefinitionJson.Options)!;
        var table = RunPrinter.List(runs, OutputFormat.Table).Split('\n');
        Assert.Contains("node", table[0]);
        Assert.Contains("node-7", table.Single(l => l.Contains(id, StringComparison.Ordinal)));
    }

    /// <summary>Polls (up to 30 s) until <c>/health/ready</c> answers 200; returns the last answer either way.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> WaitForReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline) return (response.StatusCode, body);
            await Task.Delay(200);
        }
    }
}
