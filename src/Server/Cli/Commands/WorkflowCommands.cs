using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;
using BitsoWorkflows.Server.Services;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>workflows list | validate | history | export | pause | resume</c>.</summary>
public static class WorkflowCommands
{
    public static async Task<int> RunAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "workflows sub-verb (list, validate, history, export, publish, pause, resume)");
        return sub switch
        {
            "list" => await ListAsync(cli, global),
            "validate" => await ValidateAsync(cli, global),
            "history" => await HistoryAsync(cli, global),
            "export" => await ExportAsync(cli, global),
            "publish" => await PublishAsync(cli, global),
            "pause" => await SetPausedAsync(cli, global, true),
            "resume" => await SetPausedAsync(cli, global, false),
            _ => throw new CliUsageException($"unknown verb 'workflows {sub}' (use list, validate, history, export, publish, pause, resume)"),
        };
    }

    private static async Task<int> ListAsync(CliArguments cli, GlobalOptions global)
    {
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global);
        var workflows = await host.Get<WorkflowOverview>().ListAsync(CancellationToken.None);
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(workflows, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["workflow", "version", "trigger", "paused", "next fire", "last run", "last status"],
                workflows.Select(w => (IReadOnlyList<object?>)[w.Id, w.Version, w.Trigger, w.IsPaused ? "yes" : "no", w.NextFireTime, w.LastRun?.LogicalTime, w.LastRun?.Status.ToString().ToLowerInvariant()])));
        return 0;
    }

    private static async Task<int> ValidateAsync(CliArguments cli, GlobalOptions global)
    {
        var file = cli.RequirePositional(2, "file to validate");
        cli.EnsureAllOptionsUsed();
        if (!File.Exists(file)) throw new CliUsageException($"{file}: no such file");
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var result = host.Get<WorkflowDefinitionValidator>().Validate(await File.ReadAllTextAsync(file), file);
        if (result.IsValid)
        {
            Console.WriteLine($"{file}: valid ({result.Definition!.Id}, {result.Definition.Activities.Count} activities)");
            return 0;
        }
        foreach (var error in result.Errors) Console.Error.WriteLine(error);
        Console.Error.WriteLine($"{file}: {result.Errors.Count} error(s)");
        return 2;
    }

    private static async Task<int> HistoryAsync(CliArguments cli, GlobalOptions global)
    {
        var id = cli.RequirePositional(2, "workflow id");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global);
        var store = host.Get<WorkflowCatalog>().Store;
        var state = await store.GetStateAsync(id, CancellationToken.None) ?? throw new CliUsageException($"unknown workflow '{id}'");
        var versions = (await store.HistoryAsync(id, CancellationToken.None)).Select(v => DefinitionVersionDto.From(v, state.PublishedVersion)).ToList();
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(versions, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["version", "state", "published", "origin", "created", "comment"],
                versions.Select(v => (IReadOnlyList<object?>)[v.Version, v.State.ToString().ToLowerInvariant(), v.IsPublished ? "current" : "", v.Origin, v.CreatedAt, v.Comment])));
        return 0;
    }

    private static async Task<int> ExportAsync(CliArguments cli, GlobalOptions global)
    {
        var id = cli.RequirePositional(2, "workflow id");
        var version = cli.IntOption("version", min: 1);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global);
        var store = host.Get<WorkflowCatalog>().Store;
        var state = await store.GetStateAsync(id, CancellationToken.None) ?? throw new CliUsageException($"unknown workflow '{id}'");
        var record = await store.GetVersionAsync(id, version ?? state.PublishedVersion, CancellationToken.None)
            ?? throw new CliUsageException($"workflow '{id}' has no version {version}");
        Console.WriteLine(record.Json);
        return 0;
    }

    /// <summary>Publishes a definition file as a new version, or keeps it as a draft; a running server picks it up within seconds.</summary>
    private static async Task<int> PublishAsync(CliArguments cli, GlobalOptions global)
    {
        var file = cli.RequirePositional(2, "definition file to publish");
        var draft = cli.Flag("draft");
        var comment = cli.Option("comment");
        cli.EnsureAllOptionsUsed();
        if (!File.Exists(file)) throw new CliUsageException($"{file}: no such file");
        await using var host = await CliHost.StartAsync(global);
        var catalog = host.Get<WorkflowCatalog>();
        var json = await File.ReadAllTextAsync(file);
        var result = draft
            ? await catalog.SaveDraftAsync(json, "cli", comment, CancellationToken.None)
            : await catalog.PublishAsync(json, "cli", comment, CancellationToken.None);
        if (result.Version is null)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine(error with { File = file });
            Console.Error.WriteLine($"{file}: {result.Errors.Count} error(s); nothing published");
            return 2;
        }
        Console.WriteLine($"{result.Version.WorkflowId} version {result.Version.Version} {(draft ? "saved as a draft" : "published")}");
        return 0;
    }

    private static async Task<int> SetPausedAsync(CliArguments cli, GlobalOptions global, bool paused)
    {
        var id = cli.RequirePositional(2, "workflow id");
        var catchUp = !paused && cli.Flag("catchup");
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global);
        var control = host.Get<Engine.Scheduling.WorkflowControl>();
        if (!await (paused ? control.PauseAsync(id, CancellationToken.None) : control.ResumeAsync(id, CancellationToken.None, catchUp)))
            throw new CliUsageException($"unknown workflow '{id}'");
        Console.WriteLine(paused ? $"{id} paused"
            : catchUp ? $"{id} resumed; the intervals missed while paused are caught up (by the running server within seconds, else at its next start)"
            : $"{id} resumed");
        return 0;
    }
}
