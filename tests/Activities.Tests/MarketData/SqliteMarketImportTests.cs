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

    private async Task<AlertEvaluationResult> CaptureAndEvaluateAsync(MarketDatabase database, DateTimeOffset second, decimal spreadPct)
    {
        _time.SetUtcNow(second.AddMilliseconds(200));
        await new ObservationStore(database).UpsertAsync([MarketTest.WithSpread("btc_mxn", second, spreadPct)], default);
        return await new SpreadAlertStateStore(database, MarketTest.MarketOptions(), _time).EvaluateAsync(["btc_mxn"], Rules, second, MarketTest.Run(second), default, webhook: true);
    }
}
