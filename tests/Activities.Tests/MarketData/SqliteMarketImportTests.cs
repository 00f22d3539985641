using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Engine.Execution;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MarketData;

/// <summary>
/// An embedded deployment's market file moved into PostgreSQL (<c>market import-sqlite</c>): what was staged, the
/// alerts with their events and ids, and each rule's state arrive, and the evaluation goes on from them.
/// </summary>
public sealed class SqliteMarketImportTests : IDisposable
{
    private static readonly IReadOnlyList<SpreadAlertRule> Rules = SpreadAlertRuleResolver.Resolve(new EvaluateSpreadAlertsInput { Books = ["btc_mxn"], Thresholds = [0.5m] });
    private readonly TempMarketDatabase _sqlite = new(MarketProvider.Sqlite);
    private readonly FakeTimeProvider _time = new(MarketTest.T0);

    public void Dispose() => _sqlite.Dispose();

    [SkippableFact]
    public async Task Import_CopiesStagingAlertsEventsAndRuleState_AndTheEvaluationGoesOnInPostgres()
    {
        using var postgres = new TempMarketDatabase(MarketProvider.Postgres);
        // Embedded: an alert opened and resolved, a second one still open (its events pending for a webhook), staging left.
        var spreads = new[] { 0.7m, 0.2m, 0.8m, 0.9m };
        for (var i = 0; i < spreads.Length; i++)
            await CaptureAndEvaluateAsync(_sqlite.Database, MarketTest.T0.AddSeconds(i), spreads[i]);
        // A second PostgreSQL already staged (a node started before the import): its row stays.
        var already = MarketTest.WithSpread("btc_mxn", MarketTest.T0.AddSeconds(3), 0.01m) with { RunId = "postgres-node" };
        await postgres.Observations.UpsertAsync([already], default);

        var result = await new SqliteMarketImport(postgres.Database).ImportAsync(_sqlite.FilePath, default);

        Assert.Equal(new SqliteMarketImportResult(3, 1, 2, 3, 1), result);
        var embeddedAlerts = await new SpreadAlertQueries(_sqlite.Database).ListAsync(null, false, null, 100, default);
        var importedAlerts = await new SpreadAlertQueries(postgres.Database).ListAsync(null, false, null, 100, default);
        Assert.Equal(embeddedAlerts, importedAlerts);
        foreach (var alert in embeddedAlerts)
            Assert.Equal(await new SpreadAlertQueries(_sqlite.Database).EventsAsync(alert.Id, default), await new SpreadAlertQueries(postgres.Database).EventsAsync(alert.Id, default));
        var window = new DataInterval(MarketTest.T0, MarketTest.T0.AddSeconds(10));
        var staged = await postgres.Observations.ReadWindowAsync(window, default);
        Assert.Equal([.. (await _sqlite.Observations.ReadWindowAsync(window, default)).Take(3), already], staged);

        // The open alert resolves in PostgreSQL, and the next one gets a new id after the imported ones.
        var open = Assert.Single(importedAlerts, a => a.ResolvedAt is null);
        var resolved = await CaptureAndEvaluateAsync(postgres.Database, MarketTest.T0.AddSeconds(4), 0.1m);
        Assert.Equal((AlertTransitionKind.Resolved, open.Id), (Assert.Single(resolved.Transitions).Kind, resolved.Transitions[0].AlertId));
        var reopened = await CaptureAndEvaluateAsync(postgres.Database, MarketTest.T0.AddSeconds(5), 0.7m);
        Assert.True(Assert.Single(reopened.Transitions).AlertId > embeddedAlerts.Max(a => a.Id));
        Assert.True(reopened.Transitions[0].EventId > 3);

        // Twice would mix two alert histories: refused, copying nothing.
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => new SqliteMarketImport(postgres.Database).ImportAsync(_sqlite.FilePath, default));
        Assert.Contains("would mix two alert histories", again.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await new SpreadAlertQueries(postgres.Database).ListAsync(null, false, null, 100, default)).Count);
    }

    [Fact]
    public async Task Import_CopiesEveryColumnOfEveryMarketTable()
    {
        await _sqlite.Observations.UpsertAsync([MarketTest.WithSpread("btc_mxn", MarketTest.T0, 0.1m)], default); // the file exists, with its tables
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_sqlite.FilePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }

        // Every table of the market file, and every column of each: a table or column added later and not copied fails here.
        Assert.Equal(tables, SqliteMarketImport.Tables.Select(t => t.Table).Order(StringComparer.Ordinal));
        foreach (var (table, copied) in SqliteMarketImport.Tables)
        {
            var columns = new List<string>();
            await using var info = connection.CreateCommand();
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
            Assert.Equal(columns.Order(StringComparer.Ordinal), copied.Select(c => c.Name).Order(StringComparer.Ordinal));
        }
    }

    [SkippableFact]
    public async Task Import_IntoSqlite_OrFromAMissingFile_IsRefusedNamingWhy()
    {
        var notPostgres = await Assert.ThrowsAsync<InvalidOperationException>(() => new SqliteMarketImport(_sqlite.Database).ImportAsync(_sqlite.FilePath, default));
        Assert.Contains("Store:Provider postgres", notPostgres.Message, StringComparison.Ordinal);

        Skip.If(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BW_TEST_POSTGRES")), "BW_TEST_POSTGRES is not set");
        using var postgres = new TempMarketDatabase(MarketProvider.Postgres);
        var missing = Path.Combine(_sqlite.Folder, "nope.db");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => new SqliteMarketImport(postgres.Database).ImportAsync(missing, default));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    /// <summary>
    /// Hostile files: not SQLite, empty, another application's database, a value of the wrong type where SQLite took
    /// it (it stores whatever it is given), an integer too large, a file cut short. Each is refused with its path and
    /// where, PostgreSQL gets nothing, and a file refused before it was opened keeps every byte.
    /// </summary>
    [SkippableTheory]
    [InlineData("not-sqlite", "is not a readable SQLite market file", true)]
    [InlineData("empty", "has no observations table", true)]
    [InlineData("other-application", "has no observations table", true)]
    [InlineData("text-in-integer-column", "spread_alerts row 2, column opened_at: 'yesterday' is not an integer", false)]
    [InlineData("integer-too-large", "column sequence: '1E+30' is not an integer", false)]
    [InlineData("cut-short", "database disk image is malformed", true)]
    public async Task Import_OfAHostileFile_IsRefusedNamingWhere_AndCopiesNothing(string kind, string expected, bool untouched)
    {
        using var postgres = new TempMarketDatabase(MarketProvider.Postgres);
        var path = Path.Combine(_sqlite.Folder, kind + ".db");
        switch (kind)
        {
            case "not-sqlite":
                await File.WriteAllTextAsync(path, "book,second,spread_pct\nbtc_mxn,1764324000,0.7\n");
                break;
            case "empty":
                await File.WriteAllBytesAsync(path, []);
                break;
            case "other-application":
                Sql(path, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ana');");
                break;
            default:
                await WriteMarketFileAsync(path);
                if (kind == "text-in-integer-column") Sql(path, "UPDATE spread_alerts SET opened_at = 'yesterday' WHERE id = 2");
                if (kind == "integer-too-large") Sql(path, "UPDATE observations SET sequence = 1e30 WHERE second = (SELECT max(second) FROM observations)");
                if (kind == "cut-short")
                {
                    await using var file = File.Open(path, FileMode.Open);
                    file.SetLength(file.Length / 3);
                }
                break;
        }
        var before = await File.ReadAllBytesAsync(path);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new SqliteMarketImport(postgres.Database).ImportAsync(path, default));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        await using (var connection = await postgres.Database.OpenAsync(default))
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT (SELECT count(*) FROM observations) + (SELECT count(*) FROM spread_alerts) + (SELECT count(*) FROM spread_alert_events) + (SELECT count(*) FROM spread_alert_state)";
            Assert.Equal(0L, Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }
        if (untouched) Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    /// <summary>A market file as an embedded deployment leaves it (observations over several pages, alerts with events), its WAL folded into it.</summary>
    private async Task WriteMarketFileAsync(string path)
    {
        var database = new MarketDatabase(path);
        var spreads = new[] { 0.7m, 0.2m, 0.8m, 0.9m, 0.1m };
        for (var i = 0; i < spreads.Length; i++)
            await CaptureAndEvaluateAsync(database, MarketTest.T0.AddSeconds(i), spreads[i]);
        await new ObservationStore(database).UpsertAsync(
            [.. Enumerable.Range(10, 3000).Select(i => MarketTest.WithSpread("usd_mxn", MarketTest.T0.AddSeconds(i), 0.05m))], default);
        Sql(path, "PRAGMA wal_checkpoint(TRUNCATE)");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static void Sql(string path, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task<AlertEvaluationResult> CaptureAndEvaluateAsync(MarketDatabase database, DateTimeOffset second, decimal spreadPct)
    {
        _time.SetUtcNow(second.AddMilliseconds(200));
        await new ObservationStore(database).UpsertAsync([MarketTest.WithSpread("btc_mxn", second, spreadPct)], default);
        return await new SpreadAlertStateStore(database, MarketTest.MarketOptions(), _time).EvaluateAsync(["btc_mxn"], Rules, second, MarketTest.Run(second), default, webhook: true);
    }
}
