using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Execution;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Tests.Lake;

public sealed class LakeQueryServiceTests : IDisposable
{
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 23, 50, 0, TimeSpan.Zero);
    private static readonly DataInterval Window = new(WindowStart, WindowStart.AddMinutes(10));

    private readonly LakeFixture _lake = new(Window.End.AddSeconds(5));

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task QueryAsync_ReadsCompactedFilesBackWithHivePartitionsAndExactTypes()
    {
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600).Where(i => i % 10 != 0));
        await _lake.Store.UpsertAsync(staged, default);
        await _lake.CompactAsync(Window, ["btc_mxn", "usd_mxn"]);

        var counts = await Service().QueryAsync(
            "select book, date, count(*) as n, count(*) filter (where status = 'ok') as ok, min(ts) as first, max(ts) as last from spreads group by all order by book", default);
        var types = await Service().QueryAsync(
            "select typeof(ts), typeof(best_bid), typeof(bid_amount), typeof(spread_pct), typeof(date), best_bid, spread_pct from spreads where book = 'btc_mxn' and ts = TIMESTAMPTZ '2026-11-27 23:50:01+00'", default);

        Assert.Equal(["book", "date", "n", "ok", "first", "last"], counts.Columns.Select(c => c.Name));
        Assert.Equal(
            [
                ["btc_mxn", new DateOnly(2026, 11, 27), 600L, 540L, WindowStart, WindowStart.AddSeconds(599)],
                ["usd_mxn", new DateOnly(2026, 11, 27), 600L, 0L, WindowStart, WindowStart.AddSeconds(599)],
            ],
            counts.Rows);
        var row = Assert.Single(types.Rows);
        Assert.Equal<object?>(["TIMESTAMP WITH TIME ZONE", "DECIMAL(18,8)", "DECIMAL(24,8)", "DECIMAL(18,10)", "DATE"], row[..5]);
        Assert.Equal(staged[0].BestBid, row[5]);
        Assert.Equal(Math.Round(staged[0].SpreadPct!.Value, 10, MidpointRounding.AwayFromZero), row[6]);
    }

    [Fact]
    public async Task QueryAsync_FiltersOnTimestampsThroughCorrectRowGroupStatistics()
    {
        await _lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600)), default);
        await _lake.CompactAsync(Window, []);

        var stats = Direct($"select stats_min_value, stats_max_value from parquet_metadata('{_lake.Layout.SpreadsRoot}/**/*.parquet') where path_in_schema = 'ts'");
        var filtered = await Service().QueryAsync(
            "select count(*) from spreads where ts >= TIMESTAMPTZ '2026-11-27 23:55:00+00' and ts < TIMESTAMPTZ '2026-11-27 23:56:00+00'", default);

        Assert.Equal<object?>(["2026-11-27 23:50:00+00", "2026-11-27 23:59:59+00"], stats[0]);
        Assert.Equal(60L, filtered.Rows[0][0]);
    }

    [Fact]
    public async Task CompactedFiles_CarryTheirWindowInTheParquetMetadata()
    {
        await _lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 300)), default);
        await _lake.CompactAsync(Window, []);

        var rows = Direct($"select decode(key), decode(value) from parquet_kv_metadata('{_lake.Layout.SpreadsRoot}/**/*.parquet') where decode(key) like 'bitso.%' order by 1");

        var metadata = rows.ToDictionary(r => (string)r[0]!, r => (string?)r[1]);
        Assert.Equal("300", metadata["bitso.rows_ok"]);
        Assert.Equal("600", metadata["bitso.rows"]);
        Assert.Equal("2026-11-27T23:50:00Z", metadata["bitso.window_start"]);
        Assert.Equal("2026-11-28T00:00:00Z", metadata["bitso.window_end"]);
        Assert.Equal("lake-compaction-every-10-minutes", metadata["bitso.workflow_id"]);
        Assert.Equal("1", metadata["bitso.workflow_version"]);
    }

    [Fact]
    public async Task QueryAsync_WhenTheLakeHasNoFilesYet_SpreadsIsAnEmptyViewWithTheSameColumns()
    {
        var result = await Service().QueryAsync("select * from spreads", default);

        Assert.Empty(result.Rows);
        Assert.Equal(
            ["ts", "status", "best_bid", "best_ask", "bid_amount", "ask_amount", "spread", "spread_pct", "source", "exchange_ts", "sequence", "latency_ms", "error", "run_id", "book", "date"],
            result.Columns.Select(c => c.Name));
        Assert.Equal("DECIMAL(18,8)", result.Columns[2].Type);
    }

    [Theory]
    [InlineData("insert into spreads select * from spreads", "INSERT")]
    [InlineData("update spreads set status = 'ok'", "UPDATE")]
    [InlineData("delete from spreads", "DELETE")]
    [InlineData("create table copy_of_spreads as select * from spreads", "CREATE TABLE")]
    [InlineData("create or replace view spreads as select 1", "CREATE VIEW")]
    [InlineData("drop view spreads", "DROP VIEW")]
    [InlineData("alter view spreads rename to s", "ALTER VIEW")]
    [InlineData("with x as (select 1 as a) insert into t select * from x", "INSERT")]
    [InlineData("copy (select * from spreads) to '{lake}/out.csv'", "COPY … TO writes files")]
    [InlineData("copy spreads from '{lake}/out.csv'", "COPY … FROM")]
    [InlineData("export database '{lake}/export'", "EXPORT DATABASE writes files")]
    [InlineData("attach '{lake}/other.duckdb' as other", "ATTACH")]
    [InlineData("detach memory", "DETACH")]
    [InlineData("use memory", "USE")]
    [InlineData("install httpfs", "INSTALL installs or loads extensions")]
    [InlineData("load httpfs", "LOAD")]
    [InlineData("pragma threads = 1", "PRAGMA changes settings")]
    [InlineData("set enable_external_access = true", "SET changes settings")]
    [InlineData("reset lock_configuration", "RESET")]
    [InlineData("checkpoint", "CHECKPOINT")]
    [InlineData("begin transaction", "BEGIN")]
    [InlineData("select 1; drop view spreads", "DROP VIEW (statement 2 of 2)")]
    [InlineData("select 1; select 2", "2 statements")]
    [InlineData("select * from read_csv('/etc/passwd')", "function read_csv is not allowed")]
    [InlineData("select * from '/etc/hosts.csv'", "'/etc/hosts.csv' is a file path")]
    [InlineData("select * from glob('/etc/*')", "function glob is not allowed")]
    [InlineData("select * from read_parquet(['{lake}/spreads/x.parquet', '{lake}/../../secret.parquet'])", "function read_parquet is not allowed")]
    [InlineData("select * from read_text('/et' || 'c/passwd')", "function read_text is not allowed")]
    [InlineData("select * from query('select 1')", "function query is not allowed")]
    [InlineData("select * from read_csv('{lake}/spreads/book=usd_mxn/date=2026-11-27/x.csv')", "function read_csv is not allowed")]
    [InlineData("select * from parquet_metadata('{lake}/spreads/*/*/*.parquet')", "function parquet_metadata is not allowed")]
    [InlineData("select current_setting('TimeZone') as tz", "function current_setting is not allowed")]
    public async Task QueryAsync_WhenTheSqlWritesOrReachesOutsideTheLake_RefusesNamingTheConstruct(string sql, string expected)
    {
        var lakeRoot = _lake.Layout.Root;

        var error = await Assert.ThrowsAsync<LakeQueryException>(() => Service().QueryAsync(sql.Replace("{lake}", lakeRoot), default));

        Assert.True(error.Refused, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(["spreads"], Directory.EnumerateFileSystemEntries(lakeRoot).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("describe spreads")]
    [InlineData("summarize spreads")]
    [InlineData("from spreads limit 1")]
    [InlineData("with s as (select * from spreads) select count(*) from s -- a comment; drop view spreads")]
    [InlineData("select unnest([1, 2]) as n, * from range(3)")]
    [InlineData("with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) select * from t")]
    [InlineData("select count(*) from spreads;")]
    public async Task QueryAsync_WhenTheSqlOnlyReads_RunsIt(string sql)
    {
        var result = await Service().QueryAsync(sql, default);

        Assert.NotEmpty(result.Columns);
    }

    [Fact]
    public async Task QueryAsync_SpreadsView_HoldsCsvWindowsBesideParquetOnesWithTheSameTypes()
    {
        var next = new DataInterval(Window.Start.AddMinutes(-10), Window.Start);
        var staged = LakeFixture.Observations("btc_mxn", WindowStart, Enumerable.Range(0, 600));
        await _lake.Store.UpsertAsync(staged, default);
        await _lake.CompactAsync(Window, [], "csv");
        await _lake.Store.UpsertAsync(LakeFixture.Observations("btc_mxn", next.Start, Enumerable.Range(0, 600)), default);
        await _lake.CompactAsync(next, []);

        var counts = await Service().QueryAsync("select date, count(*), count(*) filter (where status = 'ok') from spreads group by all", default);
        var csvRow = await Service().QueryAsync(
            "select typeof(ts), typeof(best_bid), typeof(spread_pct), best_bid, spread_pct from spreads where ts = TIMESTAMPTZ '2026-11-27 23:50:01+00'", default);

        Assert.Equal<object?>([new DateOnly(2026, 11, 27), 1200L, 1200L], Assert.Single(counts.Rows));
        var row = Assert.Single(csvRow.Rows);
        Assert.Equal<object?>(["TIMESTAMP WITH TIME ZONE", "DECIMAL(18,8)", "DECIMAL(18,10)"], row[..3]);
        Assert.Equal(staged[1].BestBid, row[3]);
        Assert.Equal(Math.Round(staged[1].SpreadPct!.Value, 10, MidpointRounding.AwayFromZero), row[4]);
    }

    [Fact]
    public async Task QueryAsync_RunsInUtc()
    {
        var result = await Service().QueryAsync("select CAST(TIMESTAMPTZ '2026-11-27 18:00:00-06' AS VARCHAR), TIMESTAMPTZ '2026-11-27 18:00:00-06'", default);

        Assert.Equal<object?>(["2026-11-28 00:00:00+00", new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)], result.Rows[0]);
    }

    [Fact]
    public async Task QueryAsync_WhenTheSqlDoesNotParse_FailsWithDuckDbsMessage()
    {
        var error = await Assert.ThrowsAsync<LakeQueryException>(() => Service().QueryAsync("selec 1", default));

        Assert.False(error.Refused);
        Assert.Contains("syntax error at or near \"selec\"", error.Message);
    }

    [Fact]
    public async Task QueryAsync_WhenMoreRowsMatchThanAllowed_ReturnsTheFirstOnesAndSaysSo()
    {
        var result = await Service(new LakeOptions { MaxRows = 5 }).QueryAsync("select range as n from range(10)", default);

        Assert.True(result.Truncated);
        Assert.Equal([0L, 1L, 2L, 3L, 4L], result.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task QueryAsync_WhenTheQueryOutlivesTheTimeout_InterruptsItAndSaysWhy()
    {
        var service = Service(new LakeOptions { QueryTimeout = TimeSpan.FromMilliseconds(200) });

        var error = await Assert.ThrowsAsync<LakeQueryException>(() => service.QueryAsync("select sum(a.range * b.range) from range(100000) a, range(100000) b", default));

        Assert.False(error.Refused);
        Assert.Contains("interrupted after", error.Message);
    }

    [Fact]
    public async Task QueryAsync_WhenTheTimeoutFiresBeforeTheQueryStarts_StillInterruptsIt()
    {
        // 1 ms: the timeout fires while the views are set up or the guard reads the statement, before DuckDB runs it —
        // an interrupt DuckDB drops, after which a 10^10-row join would run for minutes. (The bound below only catches
        // that hang; the interrupt comes within about 100 ms.)
        var service = Service(new LakeOptions { QueryTimeout = TimeSpan.FromMilliseconds(1) });

        var error = await Assert.ThrowsAsync<LakeQueryException>(() =>
            service.QueryAsync("select sum(a.range * b.range) from range(100000) a, range(100000) b", default).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(LakeQueryFailure.TimedOut, error.Failure);
    }

    [Fact]
    public async Task QueryAsync_WithAnotherQuerySource_SeesItsAttachedDatabaseReadOnly()
    {
        var warehouse = Path.Combine(_lake.Root, "warehouse", "warehouse.duckdb");
        Directory.CreateDirectory(Path.GetDirectoryName(warehouse)!);
        using (var connection = new DuckDBConnection($"DataSource={warehouse}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "create table users (user_id varchar, level int); insert into users values ('a', 1), ('b', 2)";
            command.ExecuteNonQuery();
        }
        var service = new LakeQueryService([new SpreadsQuerySource(_lake.Layout), new AttachedDatabaseSource(warehouse)], new LakeQueryGuard(), Options.Create(new LakeOptions()));

        var result = await service.QueryAsync("select count(*) from users", default);
        var insert = await Assert.ThrowsAsync<LakeQueryException>(() => service.QueryAsync("insert into warehouse.users values ('c', 3)", default));

        Assert.Equal(2L, result.Rows[0][0]);
        Assert.True(insert.Refused);
    }

    [Fact]
    public async Task QueryAsync_WhenAQuerySourceCannotBeSetUp_FailsNamingTheSource()
    {
        var missing = Path.Combine(_lake.Root, "warehouse", "missing.duckdb");
        var service = new LakeQueryService([new SpreadsQuerySource(_lake.Layout), new AttachedDatabaseSource(missing)], new LakeQueryGuard(), Options.Create(new LakeOptions()));

        var error = await Assert.ThrowsAsync<LakeQueryException>(() => service.QueryAsync("select 1", default));

        Assert.Contains("AttachedDatabaseSource could not be set up", error.Message);
    }

    /// <summary>Rows of SQL run on a DuckDB of the test's own, for what queries over the lake may not read (file metadata).</summary>
    private static List<object?[]> Direct(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SET TimeZone = 'UTC'; " + sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return rows;
    }

    private LakeQueryService Service(LakeOptions? options = null) =>
        new([new SpreadsQuerySource(_lake.Layout)], new LakeQueryGuard(), Options.Create(options ?? new LakeOptions()));

    private sealed class AttachedDatabaseSource(string file) : ILakeQuerySource
    {
        public IReadOnlyList<string> ReadableFolders => [];

        public IReadOnlyList<string> SetupStatements() =>
            [$"ATTACH '{file}' AS warehouse (READ_ONLY)", "CREATE VIEW users AS SELECT * FROM warehouse.main.users"];
    }
}
