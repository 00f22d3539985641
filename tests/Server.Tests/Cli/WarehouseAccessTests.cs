using BitsoWorkflows.Activities.MasterData;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Tests.Support;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Tests.Cli;

/// <summary>
/// DuckDB lets one process open the warehouse file, and the process that used it last keeps it open for
/// <c>MasterData:KeepOpen</c> (2 s): the CLI, another process, waits for the file that long plus a second, then answers;
/// a file that stays held is reported busy, naming it.
/// </summary>
public sealed class WarehouseAccessTests : IDisposable
{
    private readonly string _root = TempFolder.Create();

    public void Dispose() => TempFolder.Delete(_root);

    private WarehouseDatabase Warehouse() =>
        new(new DataDirectory(Path.Combine(_root, "data")), Options.Create(new MasterDataOptions { KeepOpen = TimeSpan.Zero }));

    [Fact]
    public async Task Answer_WhileAnotherProcessStillHoldsTheWarehouse_WaitsForItThenAnswers()
    {
        using var database = Warehouse();
        var held = await database.OpenAsync(CancellationToken.None); // makes the schema; the CLI's first tries find the file locked

        var cli = CliProcess.RunAsync(_root, "answer", "active-users", "--date", "2026-01-01");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await held.DisposeAsync();
        var result = await cli;

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("active_users", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_WhileAnotherProcessKeepsHoldingTheWarehouse_ReportsItBusy()
    {
        using var database = Warehouse();
        await using var held = await database.OpenAsync(CancellationToken.None);

        var result = await CliProcess.RunAsync(_root, "answer", "active-users", "--date", "2026-01-01");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is in use by another process", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("master-data.duckdb", result.Stderr, StringComparison.Ordinal);
    }
}
