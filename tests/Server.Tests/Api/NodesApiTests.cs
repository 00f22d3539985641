using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>On the real server: the node records itself alive at start, and the API and the CLI list it with its runs.</summary>
public sealed class NodesApiTests
{
    private const string Slow = """
        { "id": "slow", "name": "Slow", "activities": [ { "id": "wait", "type": "Delay", "inputs": { "duration": "00:01:00" } } ], "edges": [] }
        """;

    [Fact]
    public async Task TheServerNode_IsListedAlive_WithItsRunningRun_ByTheApiAndTheCli()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["slow.json"] = Slow },
            configuration: ["--Engine:NodeName=node-under-test", "--Scheduler:NodeHeartbeatInterval=00:00:01", "--Scheduler:NodeDeadAfter=00:00:05"]);
        var run = await server.Http.StartRunAsync("slow", "2026-11-30T00:00:00Z");

        var nodes = await Eventually.WaitAsync(
            async () => JsonDocument.Parse(await server.Http.GetStringAsync("/api/nodes")).RootElement.Clone(),
            n => n.GetArrayLength() == 1 && n[0].GetProperty("unfinishedRuns").GetInt32() == 1, "the node with its running run", seconds: 30);
        var node = nodes[0];
        Assert.Equal("node-under-test", node.GetProperty("name").GetString());
        Assert.InRange(node.GetProperty("secondsSinceSeen").GetDouble(), 0, 30);
        Assert.True(node.GetProperty("lastSeenAt").GetDateTimeOffset() >= node.GetProperty("startedAt").GetDateTimeOffset());

        var table = await CliProcess.RunAsync(server.Root, "nodes", "list");
        var json = await CliProcess.RunAsync(server.Root, "nodes", "list", "--format", "json");
        var wrong = await CliProcess.RunAsync(server.Root, "nodes", "show");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(table.Stdout, @"(?m)^node-under-test\s.*\s1\s*$"), table.Stdout);
        Assert.Equal("node-under-test", Assert.Single(JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("unknown verb 'nodes show'", wrong.Stderr, StringComparison.Ordinal);
        Assert.Equal("running", JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{run}")).RootElement.GetProperty("run").GetProperty("status").GetString());

        // Forgetting: not a live node (409, saying why), not an unknown one (404); the CLI the same, exit 2.
        using var live = await server.Http.DeleteAsync("/api/nodes/node-under-test");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, live.StatusCode);
        Assert.Contains("stop it first", await live.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await server.Http.DeleteAsync("/api/nodes/node-never");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        var forget = await CliProcess.RunAsync(server.Root, "nodes", "forget", "node-under-test");
        Assert.Equal(2, forget.ExitCode);
        Assert.Contains("within Scheduler:NodeDeadAfter", forget.Stderr, StringComparison.Ordinal);

        // Every attempt is in the audit log: the API's two and the CLI's, with who and how it ended.
        var audit = await CliProcess.RunAsync(server.Root, "audit", "list", "--format", "json", "--since", "2020-01-01T00:00:00Z");
        Assert.True(audit.ExitCode == 0, audit.Stderr);
        var forgets = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "forget-node")
            .Select(e => (e.GetProperty("address").GetString(), e.GetProperty("target").GetString(), e.GetProperty("outcome").GetString())).ToList();
        Assert.Contains(("cli", "node-under-test", "alive"), forgets);
        Assert.Contains(forgets, f => f is (not "cli", "node-under-test", "409"));
        Assert.Contains(forgets, f => f is (not "cli", "node-never", "404"));
        Assert.Equal(3, forgets.Count);
    }
}
