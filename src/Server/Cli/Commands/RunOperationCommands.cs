using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>runs history</c>, <c>runs note</c>, <c>runs mark</c>, <c>runs clear</c>: operating finished runs, recorded in the run's history and the audit log.</summary>
public static class RunOperationCommands
{
    public static async Task<int> HistoryAsync(CliArguments cli, GlobalOptions global)
    {
        var runId = cli.RequirePositional(2, "run id");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        if (await host.Get<RunStore>().GetAsync(runId, CancellationToken.None) is null) throw new CliUsageException($"unknown run '{runId}'");
        var history = (await host.Get<RunOperationStore>().ListAsync(runId, CancellationToken.None)).Select(RunOperationDto.From).ToList();
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(history, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["at", "who", "what", "activity", "status", "text", "new run"],
                history.Select(h => (IReadOnlyList<object?>)[h.At, h.Actor, h.Kind, h.ActivityId, h.Status, h.Text, h.NewRunId])));
        return 0;
    }

    public static async Task<int> NoteAsync(CliArguments cli, GlobalOptions global)
    {
        var runId = cli.RequirePositional(2, "run id");
        var text = cli.RequirePositional(3, "note text (Markdown, in quotes)");
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var note = await OperateAsync(host, "note", runId, op => op.AddNoteAsync(runId, AccessCommands.CliActor, text, CancellationToken.None));
        Console.WriteLine($"note {note.Id} added to run {runId}");
        return 0;
    }

    public static async Task<int> MarkAsync(CliArguments cli, GlobalOptions global)
    {
        var runId = cli.RequirePositional(2, "run id");
        var statusText = cli.RequirePositional(3, "status (succeeded or failed)");
        var reason = cli.Option("reason") ?? throw new CliUsageException("--reason is required: say why the outcome is set by hand");
        var activity = cli.Option("activity");
        cli.EnsureAllOptionsUsed();
        if (statusText is not ("succeeded" or "failed")) throw new CliUsageException($"status must be succeeded or failed, got '{statusText}'");
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var mark = await OperateAsync(host, "mark", runId, op => activity is null
            ? op.MarkRunAsync(runId, Enum.Parse<RunStatus>(statusText, ignoreCase: true), reason, AccessCommands.CliActor, CancellationToken.None)
            : op.MarkActivityAsync(runId, activity, Enum.Parse<ActivityStatus>(statusText, ignoreCase: true), reason, AccessCommands.CliActor, CancellationToken.None));
        Console.WriteLine($"{(activity is null ? "run" : $"activity {activity} of run")} {runId}: {mark.Status}");
        return 0;
    }

    public static async Task<int> ClearAsync(CliArguments cli, GlobalOptions global)
    {
        var runId = cli.RequirePositional(2, "run id");
        var activity = cli.Option("activity") ?? throw new CliUsageException("--activity is required: the id of the activity to run again");
        var downstream = cli.Flag("downstream");
        var detach = cli.Flag("detach");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global);
        RunDetailDto detail;
        using var server = await ServerClient.ConnectAsync(host.Get<Engine.Hosting.DataDirectory>(), CancellationToken.None);
        if (server is not null)
        {
            Console.Error.WriteLine($"handing the clear to the server at {server.BaseAddress}");
            var run = await server.ClearAsync(runId, activity, downstream, CancellationToken.None);
            if (detach)
            {
                Console.WriteLine(run.Id);
                return 0;
            }
            detail = await server.WaitForRunAsync(run.Id, CancellationToken.None);
        }
        else
        {
            var (handle, _) = await OperateAsync(host, "clear", runId, op => op.ClearAsync(runId, activity, downstream, AccessCommands.CliActor, CancellationToken.None));
            // In this process the run lives only as long as the command, so it always waits.
            detail = await RunDetailDto.LoadAsync(host.Get<RunStore>(), host.Get<AssetStore>(), await handle.Completion, CancellationToken.None);
        }
        Console.Write(RunPrinter.Detail(detail, format));
        if (format == OutputFormat.Json) Console.WriteLine();
        return detail.Run.Status == RunStatus.Succeeded ? 0 : 1;
    }

    /// <summary>Runs the operation in this process, audits it as the CLI's user and turns a refusal into a usage error.</summary>
    private static async Task<T> OperateAsync<T>(CliHost host, string action, string runId, Func<RunOperator, Task<T>> operation)
    {
        var audit = host.Get<AuditLog>();
        try
        {
            var result = await operation(host.Get<RunOperator>());
            await audit.RecordAsync(AccessCommands.CliActor, "cli", action, runId, "ok");
            return result;
        }
        catch (RunOperationException ex)
        {
            await audit.RecordAsync(AccessCommands.CliActor, "cli", action, runId, ex.NotFound ? "not-found" : "refused");
            throw;
        }
    }
}
