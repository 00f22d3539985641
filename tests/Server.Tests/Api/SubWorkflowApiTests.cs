using System.Text.Json;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>A parent and a child run (ExecuteWorkflow) link to each other in the API and the CLI; a cycle in the workflow files is refused.</summary>
public sealed class SubWorkflowApiTests
{
    private const string Child = """
        { "id": "child", "name": "child", "params": { "values": { "type": "array", "default": [] } },
          "activities": [ { "id": "note", "type": "Log", "inputs": { "message": "values {{ params.values }}" } } ], "edges": [] }
        """;

    private const string Parent = """
        { "id": "parent", "name": "parent",
          "activities": [ { "id": "call", "type": "ExecuteWorkflow", "inputs": { "workflowId": "child", "params": { "values": [4, 2] } } } ], "edges": [] }
        """;

    // Imported after child.json, whose first-published version does not call back: this one would close the cycle.
    private const string Loop = """
        { "id": "loop", "name": "loop",
          "activities": [ { "id": "call", "type": "ExecuteWorkflow", "inputs": { "workflowId": "loop" } } ], "edges": [] }
        """;

    [Fact]
    public async Task Runs_ShowTheirParentAndChildren_AndACyclicFileIsReported()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string> { ["child.json"] = Child, ["parent.json"] = Parent, ["loop.json"] = Loop });

        var id = await server.Http.StartRunAsync("parent", DateTimeOffset.UtcNow.ToString("O"));
        var (status, error) = await server.Http.WaitForRunAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(status == "succeeded", $"run {status}: {error}");
        var parent = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{id}")).RootElement;
        var child = Assert.Single(parent.GetProperty("children").EnumerateArray());
        var childId = child.GetProperty("id").GetString()!;
        Assert.Equal(("child", "succeeded"), (child.GetProperty("workflowId").GetString(), child.GetProperty("status").GetString()));
        var childDetail = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/runs/{childId}")).RootElement;
        Assert.Equal(id, childDetail.GetProperty("run").GetProperty("parentRunId").GetString());
        Assert.Equal("values [4,2]", childDetail.GetProperty("activities")[0].GetProperty("outputs").GetProperty("message").GetString());

        var text = RunPrinter.Detail((await RunDetailDto.LoadAsync(server.Get<RunStore>(), server.Get<AssetStore>(), id, CancellationToken.None))!, OutputFormat.Table);
        Assert.Matches($@"child run\s+{childId} child succeeded", text);
        Assert.Contains($"parent run     {id}", RunPrinter.Detail((await RunDetailDto.LoadAsync(server.Get<RunStore>(), server.Get<AssetStore>(), childId, CancellationToken.None))!, OutputFormat.Table));

        using var workflows = JsonDocument.Parse(await server.Http.GetStringAsync("/api/workflows"));
        Assert.DoesNotContain(workflows.RootElement.EnumerateArray(), w => w.GetProperty("id").GetString() == "loop");
    }
}
