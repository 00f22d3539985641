using System.Text.Json;
using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary><c>alerts list</c>, <c>spreads tail</c> and <c>market import-sqlite</c>.</summary>
public static class MarketCommands
{
    public static async Task<int> AlertsAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "alerts sub-verb (list)");
        if (sub != "list") throw new CliUsageException($"unknown verb 'alerts {sub}' (use list)");
        var book = cli.Option("book");
        var open = cli.Flag("open");
        var since = cli.TimeOption("since");
        var limit = cli.IntOption("limit", min: 1) ?? MarketDataQueries.DefaultLimit;
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var alerts = await Query(() => host.Get<MarketDataQueries>().ListAlertsAsync(book, open, since, limit, CancellationToken.None));
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(alerts, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["book", "threshold %", "opened", "resolved", "peak spread %", "peak at", "version"],
                alerts.Select(a => (IReadOnlyList<object?>)[a.Book, a.ThresholdPct, a.OpenedAt, (object?)a.ResolvedAt ?? "open", a.PeakSpreadPct, a.PeakAt, a.WorkflowVersion])));
        return 0;
    }

    public static async Task<int> SpreadsAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "spreads sub-verb (tail)");
        if (sub != "tail") throw new CliUsageException($"unknown verb 'spreads {sub}' (use tail)");
        var book = cli.Option("book");
        var limit = cli.IntOption("limit", min: 1) ?? MarketDataQueries.DefaultLimit;
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var observations = await Query(() => host.Get<MarketDataQueries>().TailSpreadsAsync(book, limit, CancellationToken.None));
        Console.Write(format == OutputFormat.Json
            ? JsonSerializer.Serialize(observations, DefinitionJson.Options) + Environment.NewLine
            : TableWriter.Render(["second", "book", "bid", "ask", "spread", "spread %", "status", "source", "latency ms"],
                observations.Select(o => (IReadOnlyList<object?>)[o.Second, o.Book, o.BestBid, o.BestAsk, o.Spread, o.SpreadPct, o.Status.ToString().ToLowerInvariant(), o.Source, Math.Round(o.LatencyMs, 1)])));
        return 0;
    }

    /// <summary><c>market import-sqlite [--file path]</c>: an embedded deployment's market file into the PostgreSQL store.</summary>
    public static async Task<int> MarketAsync(CliArguments cli, GlobalOptions global)
    {
        var sub = cli.RequirePositional(1, "market sub-verb (import-sqlite)");
        if (sub != "import-sqlite") throw new CliUsageException($"unknown verb 'market {sub}' (use import-sqlite)");
        var file = cli.Option("file");
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var options = host.Get<Microsoft.Extensions.Options.IOptions<MarketDataOptions>>().Value;
        var path = file is not null ? Path.GetFullPath(file)
            : Activities.MarketData.Storage.MarketDatabase.SqlitePath(host.Get<Engine.Hosting.DataDirectory>(), options);
        var store = host.Get<Microsoft.Extensions.Options.IOptions<Engine.Persistence.StoreOptions>>().Value;
        if (!string.Equals(store.Provider, Engine.Persistence.StoreOptions.Postgres, StringComparison.OrdinalIgnoreCase))
            throw new CliUsageException("market import-sqlite copies into PostgreSQL: run it with --Store:Provider postgres --Store:ConnectionString \"…\" (the nodes' settings), with the nodes stopped.");
        var target = host.Get<Activities.MarketData.Storage.MarketDatabase>();
        try
        {
            var result = await new Activities.MarketData.Storage.SqliteMarketImport(target).ImportAsync(path, CancellationToken.None);
            Console.WriteLine($"imported {path} into {target.Location}: {result.Observations} staged observations " +
                $"({result.ObservationsAlreadyThere} already there, kept), {result.Alerts} alerts, {result.AlertEvents} alert events, {result.RuleStates} rule states");
            return 0;
        }
        catch (FileNotFoundException ex)
        {
            throw new CliUsageException($"{ex.Message} (--file names another)");
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
        {
            throw new CliUsageException(ex.Message);
        }
    }

    private static async Task<T> Query<T>(Func<Task<T>> query)
    {
        try
        {
            return await query();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }
}
