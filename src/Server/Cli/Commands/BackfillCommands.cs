using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>backfill</c>, <c>backfills list | show | cancel</c>.</summary>
public static class BackfillCommands
{
    public static async Task<int> BackfillAsync(CliArguments cli, GlobalOptions global)
    {
        var workflowId = cli.RequirePositional(1, "workflow id");
        var from = cli.TimeOption("from") ?? throw new CliUsageException("--from is required (the first interval start, ISO-8601 UTC)");
        var to = cli.TimeOption("to") ?? throw new CliUsageException("--to is required (end of the range, exclusive, ISO-8601 UTC)");
        var maxParallel = cli.IntOption("max-parallel", min: 1) ?? BackfillsApi.DefaultMaxParallel;
        var detach = cli.Flag("detach");
        var texts = RunCommands.ParseParams(cli.Options("param"));
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global);
        var overrides = await RunCommands.ParamOverridesAsync(host, workflowId, texts);

        BackfillDto final;
        using var server = await ServerClient.ConnectAsync(host.Get<DataDirectory>(), CancellationToken.None);
        if (server is not null)
        {
            Console.Error.WriteLine($"handing the backfill to the server at {server.BaseAddress}");
            var created = await server.CreateBackfillAsync(new CreateBackfillRequest(workflowId, from, to, maxParallel, overrides), CancellationToken.None);
            if (detach) return Print(created, format);
            final = await PollAsync(created, id => server.GetBackfillAsync(id, CancellationToken.None));
        }
        else
        {
            if (detach) throw new CliUsageException("--detach needs a running server on this data dir to hand the backfill to; start one with 'serve'");
            var backfills = host.Get<BackfillService>();
            var record = await backfills.StartAsync(workflowId, from, to, maxParallel, overrides, CancellationToken.None);
            final = await PollAsync(BackfillDto.Create(record), async id => BackfillDto.Create((await backfills.GetAsync(id, CancellationToken.None))!));
            final = BackfillDto.Create((await backfills.WaitAsync(record.Id, CancellationToken.None))!);
        }

        Print(final, format);
        return final.Status == BackfillStatus.Succeeded ? 0 : 1;
    }

    public static async Task<int> BackfillsAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "backfills sub-verb (list, show, cancel)");
        switch (sub)
        {
            case "list":
                {
                    var workflowId = cli.Option("workflow");
                    var limit = cli.IntOption("limit", min: 1) ?? 20;
                    var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
                    cli.EnsureAllOptionsUsed();
                    await using var host = await CliHost.StartAsync(global, importWorkflows: false);
                    var list = (await host.Get<BackfillService>().ListAsync(workflowId, limit, CancellationToken.None)).Select(BackfillDto.Create).ToList();
                    Console.Write(format == OutputFormat.Json
                        ? JsonSerializer.Serialize(list, DefinitionJson.Options) + Environment.NewLine
                        : TableWriter.Render(["backfill", "workflow", "from", "to", "status", "total", "succeeded", "failed", "running"],
                            list.Select(b => (IReadOnlyList<object?>)[b.Id, b.WorkflowId, b.From, b.To, b.Status.ToString().ToLowerInvariant(), b.Total, b.Succeeded, b.Failed, b.Running])));
                    return 0;
                }
            case "show":
                {
                    var id = cli.RequirePositional(2, "backfill id");
                    var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
                    cli.EnsureAllOptionsUsed();
                    await using var host = await CliHost.StartAsync(global, importWorkflows: false);
                    var record = await host.Get<BackfillService>().GetAsync(id, CancellationToken.None) ?? throw new CliUsageException($"unknown backfill '{id}'");
                    return Print(BackfillDto.Create(record), format);
                }
            case "cancel":
                {
                    var id = cli.RequirePositional(2, "backfill id");
                    cli.EnsureAllOptionsUsed();
                    await using var host = await CliHost.StartAsync(global, importWorkflows: false);
                    using var server = await ServerClient.ConnectAsync(host.Get<DataDirectory>(), CancellationToken.None)
                        ?? throw new CliUsageException("no server is running on this data dir; a backfill runs inside the process that started it");
                    await server.CancelBackfillAsync(id, CancellationToken.None);
                    Console.WriteLine($"backfill {id} cancelling");
                    return 0;
                }
            default:
                throw new CliUsageException($"unknown verb 'backfills {sub}' (use list, show, cancel)");
        }
    }

    private static async Task<BackfillDto> PollAsync(BackfillDto start, Func<string, Task<BackfillDto>> get)
    {
        var current = start;
        var last = "";
        while (!current.IsFinished)
        {
            var line = $"backfill {current.Id}: {current.Succeeded + current.Failed}/{current.Total} done, {current.Succeeded} succeeded, {current.Failed} failed, {current.Running} running";
            if (line != last) Console.Error.WriteLine(line);
            last = line;
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            current = await get(current.Id);
        }
        return current;
    }

    private static int Print(BackfillDto backfill, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(backfill, DefinitionJson.Options));
            return 0;
        }
        Console.WriteLine($"backfill   {backfill.Id}");
        Console.WriteLine($"workflow   {backfill.WorkflowId}");
        Console.WriteLine($"range      [{TableWriter.Format(backfill.From)}Z, {TableWriter.Format(backfill.To)}Z)  max parallel {backfill.MaxParallel}");
        Console.WriteLine($"status     {backfill.Status.ToString().ToLowerInvariant()}");
        Console.WriteLine($"runs       {backfill.Total} total, {backfill.Succeeded} succeeded, {backfill.Failed} failed, {backfill.Running} running");
        return 0;
    }
}
