using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;
using BitsoWorkflows.Server.Services;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>assets list [--format table|json]</c>: the assets workflows produce and wait for, read from the store.</summary>
public static class AssetCommands
{
    public static async Task<int> AssetsAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "assets sub-verb (list)");
        if (sub != "list") throw new CliUsageException($"unknown verb 'assets {sub}' (use list)");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var assets = await host.Get<AssetOverview>().ListAsync(CancellationToken.None);
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(assets, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["asset", "produced by", "triggers", "events", "latest event", "latest run"],
                assets.Select(a => (IReadOnlyList<object?>)[
                    a.Asset,
                    a.Producers.Count == 0 ? "(nothing)" : string.Join(", ", a.Producers.Select(p => $"{p.WorkflowId}.{p.ActivityId}")),
                    string.Join(", ", a.Consumers),
                    a.Events,
                    a.Latest?.CreatedAt,
                    a.Latest?.RunId])));
        return 0;
    }
}
