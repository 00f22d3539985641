using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;
using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>trigger</c>, <c>runs list</c>, <c>runs show</c>.</summary>
public static class RunCommands
{
    public static async Task<int> TriggerAsync(CliArguments cli, GlobalOptions global)
    {
        var workflowId = cli.RequirePositional(1, "workflow id");
        var texts = ParseParams(cli.Options("param"));
        var logicalTime = cli.TimeOption("logical-time");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global);
        var overrides = await ParamOverridesAsync(host, workflowId, texts);

        RunDetailDto detail;
        using var server = await ServerClient.ConnectAsync(host.Get<DataDirectory>(), CancellationToken.None);
        if (server is not null)
        {
            Console.Error.WriteLine($"handing the run to the server at {server.BaseAddress}");
            var run = await server.TriggerAsync(workflowId, overrides, logicalTime, CancellationToken.None);
            detail = await server.WaitForRunAsync(run.Id, CancellationToken.None);
        }
        else
        {
            var handle = await host.Get<RunLauncher>().StartAsync(new RunRequest { WorkflowId = workflowId, LogicalTime = logicalTime, Params = overrides }, CancellationToken.None);
            detail = await RunDetailDto.LoadAsync(host.Get<RunStore>(), host.Get<AssetStore>(), await handle.Completion, CancellationToken.None);
        }

        Console.Write(RunPrinter.Detail(detail, format));
        if (format == OutputFormat.Json) Console.WriteLine();
        if (detail.Run.Status == RunStatus.Succeeded) return 0;
        Console.Error.WriteLine($"run {detail.Run.Id} {detail.Run.Status.ToString().ToLowerInvariant()}: {detail.Run.Error}");
        return 1;
    }

    public static async Task<int> RunsAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "runs sub-verb (list, show, history, note, mark, clear)");
        return sub switch
        {
            "list" => await ListAsync(cli, global),
            "show" => await ShowAsync(cli, global),
            "history" => await RunOperationCommands.HistoryAsync(cli, global),
            "note" => await RunOperationCommands.NoteAsync(cli, global),
            "mark" => await RunOperationCommands.MarkAsync(cli, global),
            "clear" => await RunOperationCommands.ClearAsync(cli, global),
            _ => throw new CliUsageException($"unknown verb 'runs {sub}' (use list, show, history, note, mark, clear)"),
        };
    }

    private static async Task<int> ListAsync(CliArguments cli, GlobalOptions global)
    {
        var query = new RunQuery
        {
            WorkflowId = cli.Option("workflow"),
            Status = ParseEnum<RunStatus>(cli.Option("status"), "status"),
            TriggerKind = ParseEnum<TriggerKind>(cli.Option("trigger"), "trigger"),
            BackfillId = cli.Option("backfill"),
            Limit = cli.IntOption("limit", min: 1) ?? 20,
        };
        if (query.Limit > RunStore.MaxPageSize) throw new CliUsageException($"--limit must be at most {RunStore.MaxPageSize}");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var runs = await host.Get<RunStore>().ListAsync(query, CancellationToken.None);
        Console.Write(RunPrinter.List(runs.Select(RunDto.From).ToList(), format));
        if (format == OutputFormat.Json) Console.WriteLine();
        return 0;
    }

    private static async Task<int> ShowAsync(CliArguments cli, GlobalOptions global)
    {
        var runId = cli.RequirePositional(2, "run id");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var detail = await RunDetailDto.LoadAsync(host.Get<RunStore>(), host.Get<AssetStore>(), runId, CancellationToken.None) ?? throw new CliUsageException($"unknown run '{runId}'");
        Console.Write(RunPrinter.Detail(detail, format));
        if (format == OutputFormat.Json) Console.WriteLine();
        return 0;
    }

    /// <summary>The <c>--param</c> overrides typed by the workflow's published definition; usage errors name each bad param.</summary>
    internal static async Task<Dictionary<string, JsonElement>> ParamOverridesAsync(CliHost host, string workflowId, IReadOnlyDictionary<string, string> texts)
    {
        var published = await host.Get<WorkflowCatalog>().GetPublishedAsync(workflowId, CancellationToken.None)
            ?? throw new CliUsageException($"unknown workflow '{workflowId}'");
        var parameters = ParamBinder.BindText(published.Definition, texts, out var errors);
        if (errors.Count > 0) throw new CliUsageException(string.Join("; ", errors));
        return parameters;
    }

    /// <summary><c>--param name=value</c>, repeatable.</summary>
    internal static Dictionary<string, string> ParseParams(IReadOnlyList<string> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=');
            if (equals <= 0) throw new CliUsageException($"--param expects name=value, got '{value}'");
            result[value[..equals]] = value[(equals + 1)..];
        }
        return result;
    }

    internal static T? ParseEnum<T>(string? text, string option) where T : struct, Enum
    {
        if (text is null) return null;
        return EnumNames.TryParse<T>(text, out var value)
            ? value
            : throw new CliUsageException($"--{option} must be one of {EnumNames.List<T>()}, got '{text}'");
    }
}
