using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Execution;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>A lake file as a reader other than Parquet.Net sees it: DuckDB, straight on the file, without the lake's view.</summary>
public sealed class LakeFileInteropTests
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ParquetFile_ReadByDuckDbDirectly_HasTheStagedRowsAndStandardLogicalTypes()
    {
        using var lake = new LakeFixture(WindowStart.AddMinutes(11));
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i % 3 != 0));
        await lake.Store.UpsertAsync(staged, default);
        await lake.CompactAsync(new DataInterval(WindowStart, WindowStart.AddMinutes(10)), []);
        var path = lake.Layout.FilePath("btc_mxn", new SpreadWindow(WindowStart), LakeFileFormat.Parquet);

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var schema = Rows(connection, $"select name, type, logical_type from parquet_schema('{path}') where name <> 'schema' order by name")
            .ToDictionary(r => (string)r[0]!, r => $"{r[1]} {r[2]}");
        var rows = Rows(connection, $"select epoch_ms(ts), status, best_bid, best_ask, bid_amount, ask_amount, spread, spread_pct, source, epoch_ms(exchange_ts), sequence, latency_ms, error, run_id from read_parquet('{path}') order by ts")
            .Select(r => new LakeSpreadRow
            {
                Second = DateTimeOffset.FromUnixTimeMilliseconds((long)r[0]!),
                Status = (string)r[1]!,
                BestBid = (decimal?)r[2],
                BestAsk = (decimal?)r[3],
                BidAmount = (decimal?)r[4],
                AskAmount = (decimal?)r[5],
                Spread = (decimal?)r[6],
                SpreadPct = (decimal?)r[7],
                Source = (string?)r[8],
                ExchangeTimestamp = r[9] is long exchange ? DateTimeOffset.FromUnixTimeMilliseconds(exchange) : null,
                Sequence = (long?)r[10],
                LatencyMs = (double?)r[11],
                Error = (string?)r[12],
                RunId = (string?)r[13],
            })
            .ToList();

        var bySecond = staged.ToDictionary(o => o.Second);
        var expected = Enumerable.Range(0, 600).Select(i => WindowStart.AddSeconds(i))
            .Select(s => bySecond.TryGetValue(s, out var o) ? LakeSpreadRow.From(o) : LakeSpreadRow.Missed(s));
        Assert.Equal(expected, rows);
        Assert.StartsWith("INT64 TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS", schema["ts"]);
        Assert.Equal("INT64 DecimalType(scale=8, precision=18)", schema["best_bid"]);
        Assert.Equal("FIXED_LEN_BYTE_ARRAY DecimalType(scale=8, precision=24)", schema["bid_amount"]);
        Assert.Equal("INT64 DecimalType(scale=10, precision=18)", schema["spread_pct"]);
        Assert.DoesNotContain(schema.Values, v => v.StartsWith("INT96", StringComparison.Ordinal));
    }

    private static List<object?[]> Rows(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return rows;
    }
}
