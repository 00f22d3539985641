using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>nodes list [--format table|json]</c> and <c>nodes forget &lt;name&gt;</c>: the server nodes sharing the store.</summary>
public static class NodeCommands
{
    public static async Task<int> NodesAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "nodes sub-verb (list, forget)");
        if (sub == "forget") return await ForgetAsync(cli, global);
        if (sub != "list") throw new CliUsageException($"unknown verb 'nodes {sub}' (use list or forget)");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var now = DateTimeOffset.UtcNow;
        var nodes = (await host.Get<NodeStore>().ListAsync(CancellationToken.None)).Select(n => NodeDto.From(n.Node, n.UnfinishedRuns, now)).ToList();
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(nodes, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["node", "started", "last seen", "seconds since", "runs running or queued"],
                nodes.Select(n => (IReadOnlyList<object?>)[n.Name, n.StartedAt, n.LastSeenAt, n.SecondsSinceSeen, n.UnfinishedRuns])));
        return 0;
    }

    private static async Task<int> ForgetAsync(CliArguments cli, GlobalOptions global)
    {
        var name = cli.RequirePositional(2, "node name");
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var deadAfter = host.Get<Microsoft.Extensions.Options.IOptions<Engine.Scheduling.SchedulerOptions>>().Value.NodeDeadAfter;
        var outcome = await host.Get<NodeStore>().ForgetAsync(name, deadAfter, DateTimeOffset.UtcNow, CancellationToken.None);
        // Audited as the API's DELETE /api/nodes/{name} is, with the CLI's user (the other CLI verbs that change state do the same).
        await host.Get<Auth.AuditLog>().RecordAsync(AccessCommands.CliActor, "cli", "forget-node", name, outcome.Code);
        if (outcome.Result != NodeForgetResult.Forgotten) throw new CliUsageException(outcome.Message);
        Console.WriteLine(outcome.Message);
        return 0;
    }
}
