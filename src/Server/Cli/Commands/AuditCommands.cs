using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>audit list [--since T] [--user NAME] [--limit N] [--format table|json]</c>: the audit log, read from the store.</summary>
public static class AuditCommands
{
    public static async Task<int> AuditAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "audit sub-verb (list)");
        if (sub != "list") throw new CliUsageException($"unknown verb 'audit {sub}' (use list)");
        var since = cli.TimeOption("since");
        var user = cli.Option("user");
        var limit = cli.IntOption("limit", min: 1) ?? 200;
        if (limit > AuditStore.MaxPageSize) throw new CliUsageException($"--limit must be at most {AuditStore.MaxPageSize}");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var entries = await host.Get<AuditStore>().ListAsync(since, user, limit, CancellationToken.None);
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(entries, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["at", "who", "from", "action", "target", "outcome"],
                entries.Select(e => (IReadOnlyList<object?>)[new DateTimeOffset(e.At, TimeSpan.Zero), e.Actor, e.Address, e.Action, e.Target, e.Outcome])));
        return 0;
    }
}
