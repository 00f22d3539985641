using BitsoWorkflows.Activities.MarketData.Storage;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>A temporary folder holding a market database, deleted on dispose.</summary>
public sealed class TempMarketDatabase : IDisposable
{
    public TempMarketDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "bitso-market-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Database = new MarketDatabase(Path.Combine(Folder, "market.db"));
        Observations = new SqliteObservationStore(Database);
    }

    public string Folder { get; }

    public MarketDatabase Database { get; }

    public SqliteObservationStore Observations { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
