using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Cli.Output;
using BitsoWorkflows.Server.Hosting;
using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Cli.Commands;

/// <summary>
/// <c>answer &lt;question&gt;</c>: the business questions over the warehouse. With a server on the data dir the
/// question goes through it (DuckDB lets one process hold the warehouse file); otherwise it is answered here.
/// </summary>
public static class AnswerCommands
{
    private static readonly string[] Parameters = ["date", "user", "from", "to", "currency"];

    public static async Task<int> AnswerAsync(CliArguments cli, GlobalOptions global)
    {
        var list = cli.Flag("list") || cli.Positional(1) is null;
        var name = cli.Positional(1);
        var values = new Dictionary<string, string?>();
        foreach (var parameter in Parameters)
            if (cli.Option(parameter) is { } value) values[parameter] = value;
        if (cli.Flag("include-failed")) values["include_failed"] = null;
        var format = cli.Format(OutputFormat.Table, OutputFormat.Json);
        cli.EnsureAllOptionsUsed();

        await using var host = await CliHost.StartAsync(global, importWorkflows: false);
        var answers = host.Get<AnswerService>();
        if (list)
        {
            Console.Write(TableWriter.Render(["question", "parameters", "description"],
                answers.Questions.Select(q => (IReadOnlyList<object?>)[q.Name, string.Join(" ", q.Parameters.Select(p => p.Required ? OptionOf(p) : $"[{OptionOf(p)}]")), q.Description])));
            return 0;
        }

        AnswerArguments arguments;
        try
        {
            arguments = AnswerArguments.Parse(values);
            answers.Validate(name!, arguments);
        }
        catch (AnswerValidationException ex)
        {
            throw new CliUsageException(string.Join(" ", ex.Errors));
        }

        using var server = await ServerClient.ConnectAsync(host.Get<DataDirectory>(), CancellationToken.None);
        if (server is not null)
        {
            Console.Write(await server.AnswerAsync(name!, values, format == OutputFormat.Json ? "json" : "table", CancellationToken.None));
            return 0;
        }
        try
        {
            var result = await answers.AnswerAsync(name!, arguments, CancellationToken.None);
            Console.Write(format == OutputFormat.Json ? AnswerFormatter.ToJson(result) + Environment.NewLine : AnswerFormatter.ToTable(result));
            return 0;
        }
        catch (Exception ex) when (ex is WarehouseBusyException or WarehouseNotLoadedException)
        {
            throw new CliFailureException(ex.Message);
        }
    }

    /// <summary>A question parameter as this command line spells it: <c>include_failed</c> is <c>--include-failed</c>.</summary>
    private static string OptionOf(QuestionParameter parameter) => "--" + parameter.Name.Replace('_', '-');
}
