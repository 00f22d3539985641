using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Server.Hosting;
using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>query "&lt;sql&gt;"</c> (read-only SQL over the lake and the warehouse) and <c>lake list</c>.</summary>
public static class LakeCommands
{
    public static async Task<int> QueryAsync(CliArguments cli, GlobalOptions global)
    {
        var sql = cli.RequirePositional(1, "SQL to run, in quotes");
        var format = cli.Format(OutputFormat.Table, OutputFormat.Csv, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        LakeQueryResult result;
        try
        {
            result = await host.Get<LakeQueryService>().QueryAsync(sql, CancellationToken.None);
        }
        catch (LakeQueryException ex)
        {
            // Refused by the guard, rejected by DuckDB or past a limit: either way the SQL is what must change. One line,
            // though DuckDB's messages point at the error on lines of their own.
            throw new CliUsageException(string.Join(" ", ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        LakeQueryResultFormatter.Write(result, Convert(format), Console.Out);
        return 0;
    }

    public static async Task<int> LakeAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "lake sub-verb (list)");
        if (sub != "list") throw new CliUsageException($"unknown verb 'lake {sub}' (use list)");
        var book = cli.Option("book");
        var dateText = cli.Option("date");
        DateOnly? date = null;
        if (dateText is not null)
        {
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", out var parsed))
                throw new CliUsageException($"--date must be yyyy-MM-dd, got '{dateText}'");
            date = parsed;
        }
        var format = cli.Format(OutputFormat.Table, OutputFormat.Csv, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();
        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var partitions = await host.Get<LakeInventory>().ListAsync(book, date, CancellationToken.None);
        // One partition asked for: its files; otherwise the partitions.
        var result = book is not null && date is not null ? LakeInventory.FilesAsResult(partitions) : LakeInventory.PartitionsAsResult(partitions);
        LakeQueryResultFormatter.Write(result, Convert(format), Console.Out);
        return 0;
    }

    private static LakeQueryOutputFormat Convert(OutputFormat format) => LakeQueryResultFormatter.ParseFormat(format.ToString());
}
