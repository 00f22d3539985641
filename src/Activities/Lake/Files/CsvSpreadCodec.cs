using System.Globalization;
using CsvHelper;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Encodes a window file as CSV with the same columns as the Parquet file (UTF-8, header, <c>\n</c>, invariant culture,
/// ISO-8601 UTC timestamps, empty field for null). CSV has no place for key-value metadata.
/// </summary>
internal static class CsvSpreadCodec
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'";
    private const string DecimalFormat = "0.##########";

    private static readonly CsvWriterOptions WriterOptions = new() { NewLine = "\n" };

    public static async Task EncodeAsync(LakeWindowFile file, Stream output, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, WriterOptions, leaveOpen: true);
        foreach (var name in SpreadFileSchema.ColumnNames)
            csv.WriteField(name);
        await csv.EndRecordAsync(cancellationToken);
        foreach (var row in file.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            csv.WriteField(Format(row.Second));
            csv.WriteField(row.Status);
            csv.WriteField(Format(row.BestBid));
            csv.WriteField(Format(row.BestAsk));
            csv.WriteField(Format(row.BidAmount));
            csv.WriteField(Format(row.AskAmount));
            csv.WriteField(Format(row.Spread));
            csv.WriteField(Format(row.SpreadPct));
            csv.WriteField(row.Source ?? "");
            csv.WriteField(row.ExchangeTimestamp is { } exchange ? Format(exchange) : "");
            csv.WriteField(row.Sequence?.ToString(CultureInfo.InvariantCulture) ?? "");
            csv.WriteField(row.LatencyMs?.ToString("R", CultureInfo.InvariantCulture) ?? "");
            csv.WriteField(row.Error ?? "");
            csv.WriteField(row.RunId ?? "");
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<LakeSpreadRow>> DecodeAsync(Stream input, CancellationToken cancellationToken)
    {
        await using var csv = CsvReader.Create(input, CsvReaderOptions.Default, leaveOpen: true);
        await csv.ReadHeaderAsync(cancellationToken);
        var missing = SpreadFileSchema.ColumnNames.Where(c => !csv.Headers.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"The CSV file lacks the columns {string.Join(", ", missing)}; it is not a spreads file of this lake.");
        var rows = new List<LakeSpreadRow>(SpreadWindow.Seconds);
        while (await csv.ReadAsync(cancellationToken))
        {
            var line = csv.RowNumber + 1;
            rows.Add(new LakeSpreadRow
            {
                Second = ParseTimestamp(csv.GetStringOrNull("ts"), line) ?? throw new InvalidDataException($"Line {line}: ts is empty."),
                Status = Nullable(csv.GetStringOrNull("status")) ?? throw new InvalidDataException($"Line {line}: status is empty."),
                BestBid = ParseDecimal(csv.GetStringOrNull("best_bid"), "best_bid", line),
                BestAsk = ParseDecimal(csv.GetStringOrNull("best_ask"), "best_ask", line),
                BidAmount = ParseDecimal(csv.GetStringOrNull("bid_amount"), "bid_amount", line),
                AskAmount = ParseDecimal(csv.GetStringOrNull("ask_amount"), "ask_amount", line),
                Spread = ParseDecimal(csv.GetStringOrNull("spread"), "spread", line),
                SpreadPct = ParseDecimal(csv.GetStringOrNull("spread_pct"), "spread_pct", line),
                Source = Nullable(csv.GetStringOrNull("source")),
                ExchangeTimestamp = ParseTimestamp(csv.GetStringOrNull("exchange_ts"), line),
                Sequence = Nullable(csv.GetStringOrNull("sequence")) is { } sequence ? long.Parse(sequence, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null,
                LatencyMs = Nullable(csv.GetStringOrNull("latency_ms")) is { } latency ? double.Parse(latency, NumberStyles.Float, CultureInfo.InvariantCulture) : null,
                Error = Nullable(csv.GetStringOrNull("error")),
                RunId = Nullable(csv.GetStringOrNull("run_id")),
            });
        }
        return rows;
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static string Format(decimal? value) => value?.ToString(DecimalFormat, CultureInfo.InvariantCulture) ?? "";

    private static string? Nullable(string? field) => string.IsNullOrEmpty(field) ? null : field;

    private static decimal? ParseDecimal(string? field, string column, long line) =>
        Nullable(field) is not { } text ? null
        : decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value
        : throw new InvalidDataException($"Line {line}: {column} '{text}' is not a decimal.");

    private static DateTimeOffset? ParseTimestamp(string? field, long line) =>
        Nullable(field) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value
        : throw new InvalidDataException($"Line {line}: '{text}' is not an ISO-8601 timestamp.");
}
