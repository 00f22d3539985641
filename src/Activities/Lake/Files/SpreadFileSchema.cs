using Parquet.Schema;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// The columns of a spreads file and their exact types. Parquet.Net writes INT96 timestamps and DECIMAL(38,18)
/// unless told otherwise, and drops extra decimal places silently, so every type is explicit and values are
/// rounded here, deliberately, before they reach the writer.
/// Timestamps are TIMESTAMP(MILLIS, UTC), not MICROS: Parquet.Net 6.1 writes the min/max statistics of a MICROS
/// column in milliseconds (aloneguid/parquet-dotnet#769), and engines that prune row groups by statistics (DuckDB,
/// Spark, Trino) then silently drop matching rows. The values are whole seconds and Bitso's millisecond timestamps,
/// so milliseconds lose nothing.
/// </summary>
internal static class SpreadFileSchema
{
    public const int PricePrecision = 18;
    public const int PriceScale = 8;
    public const int AmountPrecision = 24;
    public const int AmountScale = 8;
    public const int SpreadPctPrecision = 18;
    public const int SpreadPctScale = 10;

    public const string BookKey = "bitso.book";
    public const string WindowStartKey = "bitso.window_start";
    public const string WindowEndKey = "bitso.window_end";
    public const string RowsKey = "bitso.rows";
    public const string RowsOkKey = "bitso.rows_ok";
    public const string WorkflowIdKey = "bitso.workflow_id";
    public const string WorkflowVersionKey = "bitso.workflow_version";
    public const string SchemaVersionKey = "bitso.schema_version";
    public const string SchemaVersion = "1";

    public static readonly string[] ColumnNames =
    [
        "ts", "status", "best_bid", "best_ask", "bid_amount", "ask_amount", "spread", "spread_pct",
        "source", "exchange_ts", "sequence", "latency_ms", "error", "run_id",
    ];

    /// <summary>The columns as DuckDB reads them, for the typed empty view before the first file exists.</summary>
    public static readonly (string Name, string Type)[] DuckDbColumns =
    [
        ("ts", "TIMESTAMP WITH TIME ZONE"), ("status", "VARCHAR"),
        ("best_bid", $"DECIMAL({PricePrecision},{PriceScale})"), ("best_ask", $"DECIMAL({PricePrecision},{PriceScale})"),
        ("bid_amount", $"DECIMAL({AmountPrecision},{AmountScale})"), ("ask_amount", $"DECIMAL({AmountPrecision},{AmountScale})"),
        ("spread", $"DECIMAL({PricePrecision},{PriceScale})"), ("spread_pct", $"DECIMAL({SpreadPctPrecision},{SpreadPctScale})"),
        ("source", "VARCHAR"), ("exchange_ts", "TIMESTAMP WITH TIME ZONE"), ("sequence", "BIGINT"), ("latency_ms", "DOUBLE"),
        ("error", "VARCHAR"), ("run_id", "VARCHAR"), ("book", "VARCHAR"), ("date", "DATE"),
    ];

    public static readonly DateTimeDataField Ts = new("ts", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: false);
    public static readonly DataField<string> Status = new("status", false);
    public static readonly DecimalDataField BestBid = new("best_bid", PricePrecision, PriceScale, isNullable: true);
    public static readonly DecimalDataField BestAsk = new("best_ask", PricePrecision, PriceScale, isNullable: true);
    public static readonly DecimalDataField BidAmount = new("bid_amount", AmountPrecision, AmountScale, isNullable: true);
    public static readonly DecimalDataField AskAmount = new("ask_amount", AmountPrecision, AmountScale, isNullable: true);
    public static readonly DecimalDataField Spread = new("spread", PricePrecision, PriceScale, isNullable: true);
    public static readonly DecimalDataField SpreadPct = new("spread_pct", SpreadPctPrecision, SpreadPctScale, isNullable: true);
    public static readonly DataField<string> Source = new("source", true);
    public static readonly DateTimeDataField ExchangeTs = new("exchange_ts", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);
    public static readonly DataField<long?> Sequence = new("sequence");
    public static readonly DataField<double?> LatencyMs = new("latency_ms");
    public static readonly DataField<string> Error = new("error", true);
    public static readonly DataField<string> RunId = new("run_id", true);

    public static readonly ParquetSchema Parquet = new(Ts, Status, BestBid, BestAsk, BidAmount, AskAmount, Spread, SpreadPct, Source, ExchangeTs, Sequence, LatencyMs, Error, RunId);

    /// <summary>Rounds half away from zero to the column's scale and checks the integer digits fit its precision.</summary>
    /// <exception cref="InvalidDataException">The value has more integer digits than the column allows.</exception>
    public static decimal? Fit(decimal? value, int precision, int scale, string where)
    {
        if (value is not { } v)
            return null;
        var rounded = Math.Round(v, scale, MidpointRounding.AwayFromZero);
        var limit = Pow10(precision - scale);
        if (Math.Abs(rounded) >= limit)
            throw new InvalidDataException($"{where} = {v} does not fit DECIMAL({precision},{scale}) (at most {precision - scale} integer digits).");
        return rounded;
    }

    /// <summary>Parquet timestamps here are milliseconds; finer ticks are dropped so a value reads back unchanged.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset value)
    {
        var utc = value.UtcTicks;
        return new DateTimeOffset(utc - utc % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
            result *= 10;
        return result;
    }
}
