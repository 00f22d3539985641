using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>Encodes a window file as Parquet (one row group, typed columns, key-value metadata) and decodes it back.</summary>
internal static class ParquetSpreadCodec
{
    public static async Task EncodeAsync(LakeWindowFile file, Stream output, CancellationToken cancellationToken)
    {
        var rows = file.Rows;
        await using var writer = await ParquetWriter.CreateAsync(SpreadFileSchema.Parquet, output, cancellationToken: cancellationToken);
        writer.CustomMetadata = Metadata(file);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<DateTime>(SpreadFileSchema.Ts, rows.Select(r => r.Second.UtcDateTime).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync(SpreadFileSchema.Status, rows.Select(r => r.Status).ToArray());
        await WriteDecimalsAsync(group, SpreadFileSchema.BestBid, rows.Select(r => r.BestBid), cancellationToken);
        await WriteDecimalsAsync(group, SpreadFileSchema.BestAsk, rows.Select(r => r.BestAsk), cancellationToken);
        await WriteDecimalsAsync(group, SpreadFileSchema.BidAmount, rows.Select(r => r.BidAmount), cancellationToken);
        await WriteDecimalsAsync(group, SpreadFileSchema.AskAmount, rows.Select(r => r.AskAmount), cancellationToken);
        await WriteDecimalsAsync(group, SpreadFileSchema.Spread, rows.Select(r => r.Spread), cancellationToken);
        await WriteDecimalsAsync(group, SpreadFileSchema.SpreadPct, rows.Select(r => r.SpreadPct), cancellationToken);
        await group.WriteAsync(SpreadFileSchema.Source, rows.Select(r => r.Source).ToArray());
        await group.WriteAsync<DateTime>(SpreadFileSchema.ExchangeTs, rows.Select(r => r.ExchangeTimestamp?.UtcDateTime).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<long>(SpreadFileSchema.Sequence, rows.Select(r => r.Sequence).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<double>(SpreadFileSchema.LatencyMs, rows.Select(r => r.LatencyMs).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync(SpreadFileSchema.Error, rows.Select(r => r.Error).ToArray());
        await group.WriteAsync(SpreadFileSchema.RunId, rows.Select(r => r.RunId).ToArray());
        group.CompleteValidate();
    }

    /// <summary>Every row of a spreads Parquet file, with its key-value metadata.</summary>
    public static async Task<(IReadOnlyList<LakeSpreadRow> Rows, IReadOnlyDictionary<string, string> Metadata)> DecodeAsync(Stream input, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken);
        var rows = new List<LakeSpreadRow>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var ts = new DateTime[count];
            await group.ReadAsync<DateTime>(Field(reader, "ts"), ts, cancellationToken: cancellationToken);
            var status = await ReadStringsAsync(reader, group, "status", count, cancellationToken);
            var bestBid = await ReadNullableAsync<decimal>(reader, group, "best_bid", count, cancellationToken);
            var bestAsk = await ReadNullableAsync<decimal>(reader, group, "best_ask", count, cancellationToken);
            var bidAmount = await ReadNullableAsync<decimal>(reader, group, "bid_amount", count, cancellationToken);
            var askAmount = await ReadNullableAsync<decimal>(reader, group, "ask_amount", count, cancellationToken);
            var spread = await ReadNullableAsync<decimal>(reader, group, "spread", count, cancellationToken);
            var spreadPct = await ReadNullableAsync<decimal>(reader, group, "spread_pct", count, cancellationToken);
            var source = await ReadStringsAsync(reader, group, "source", count, cancellationToken);
            var exchangeTs = await ReadNullableAsync<DateTime>(reader, group, "exchange_ts", count, cancellationToken);
            var sequence = await ReadNullableAsync<long>(reader, group, "sequence", count, cancellationToken);
            var latency = await ReadNullableAsync<double>(reader, group, "latency_ms", count, cancellationToken);
            var error = await ReadStringsAsync(reader, group, "error", count, cancellationToken);
            var runId = await ReadStringsAsync(reader, group, "run_id", count, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                rows.Add(new LakeSpreadRow
                {
                    Second = Utc(ts[i]),
                    Status = status[i] ?? throw new InvalidDataException($"Row {i} has no status."),
                    BestBid = bestBid[i],
                    BestAsk = bestAsk[i],
                    BidAmount = bidAmount[i],
                    AskAmount = askAmount[i],
                    Spread = spread[i],
                    SpreadPct = spreadPct[i],
                    Source = source[i],
                    ExchangeTimestamp = exchangeTs[i] is { } e ? Utc(e) : null,
                    Sequence = sequence[i],
                    LatencyMs = latency[i],
                    Error = error[i],
                    RunId = runId[i],
                });
            }
        }
        return (rows, reader.CustomMetadata ?? new Dictionary<string, string>());
    }

    /// <summary>Row count and metadata from the footer alone; the status column is read only when the file lacks our metadata.</summary>
    public static async Task<(long Rows, long RowsOk, IReadOnlyDictionary<string, string> Metadata)> ReadSummaryAsync(string path, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        var metadata = reader.CustomMetadata ?? new Dictionary<string, string>();
        var rows = reader.RowGroups.Sum(g => g.RowCount);
        if (metadata.TryGetValue(SpreadFileSchema.RowsOkKey, out var okText) && long.TryParse(okText, NumberStyles.None, CultureInfo.InvariantCulture, out var ok))
            return (rows, ok, metadata);
        long counted = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var status = await ReadStringsAsync(reader, group, "status", checked((int)group.RowCount), cancellationToken);
            counted += status.Count(s => s == LakeSpreadRow.OkStatus);
        }
        return (rows, counted, metadata);
    }

    public static Dictionary<string, string> Metadata(LakeWindowFile file)
    {
        var metadata = new Dictionary<string, string>
        {
            [SpreadFileSchema.SchemaVersionKey] = SpreadFileSchema.SchemaVersion,
            [SpreadFileSchema.BookKey] = file.Book,
            [SpreadFileSchema.WindowStartKey] = file.Window.Start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            [SpreadFileSchema.WindowEndKey] = file.Window.End.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            [SpreadFileSchema.RowsKey] = file.Rows.Count.ToString(CultureInfo.InvariantCulture),
            [SpreadFileSchema.RowsOkKey] = file.RowsOk.ToString(CultureInfo.InvariantCulture),
        };
        if (file.WorkflowId is not null)
            metadata[SpreadFileSchema.WorkflowIdKey] = file.WorkflowId;
        if (file.WorkflowVersion is { } version)
            metadata[SpreadFileSchema.WorkflowVersionKey] = version.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }

    private static Task WriteDecimalsAsync(ParquetRowGroupWriter group, DataField field, IEnumerable<decimal?> values, CancellationToken cancellationToken) =>
        group.WriteAsync<decimal>(field, values.ToArray(), cancellationToken: cancellationToken);

    private static DataField Field(ParquetReader reader, string name) =>
        reader.Schema.DataFields.FirstOrDefault(f => f.Name == name)
        ?? throw new InvalidDataException($"The Parquet file has no column '{name}'; it is not a spreads file of this lake.");

    private static async Task<T?[]> ReadNullableAsync<T>(ParquetReader reader, ParquetRowGroupReader group, string name, int count, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[count];
        await group.ReadAsync<T>(Field(reader, name), values, cancellationToken: cancellationToken);
        return values;
    }

    private static async Task<string?[]> ReadStringsAsync(ParquetReader reader, ParquetRowGroupReader group, string name, int count, CancellationToken cancellationToken)
    {
        var values = new string[count];
        await group.ReadAsync(Field(reader, name), values, cancellationToken: cancellationToken);
        return values;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
