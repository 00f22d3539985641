using BitsoWorkflows.Engine.Execution;
using Microsoft.Data.Sqlite;

namespace BitsoWorkflows.Activities.MarketData.Storage;

/// <summary>
/// <see cref="IObservationStore"/> over the market SQLite file: one row per (book, second), upserted in one
/// transaction per call so a committed batch survives a crash and a re-run replaces rather than duplicates.
/// </summary>
public sealed class SqliteObservationStore(MarketDatabase database) : IObservationStore
{
    private const string Columns =
        "book, second, best_bid, best_ask, bid_amount, ask_amount, spread, spread_pct, source, exchange_ts_ms, sequence, latency_ms, status, error, run_id";

    public Task UpsertAsync(IReadOnlyList<SpreadObservation> observations, CancellationToken cancellationToken) =>
        WriteAsync(observations, "INSERT OR REPLACE", cancellationToken);

    /// <summary>Inserts only the observations whose (book, second) has none yet; returns how many were inserted.</summary>
    public Task<int> InsertMissingAsync(IReadOnlyList<SpreadObservation> observations, CancellationToken cancellationToken) =>
        WriteAsync(observations, "INSERT OR IGNORE", cancellationToken);

    /// <summary>
    /// Records <see cref="ObservationStatus.Missed"/> for the seconds before <paramref name="before"/> that no run
    /// captured, between the book's newest earlier observation (looking back at most <paramref name="lookback"/>) and
    /// <paramref name="before"/>; returns how many were written. A book with no earlier observation gets none, so a first
    /// start does not invent a gap.
    /// </summary>
    public async Task<int> RecordMissedAsync(IReadOnlyList<string> books, DateTimeOffset before, TimeSpan lookback, string? runId, CancellationToken cancellationToken)
    {
        var end = SqlValues.Seconds(SpreadObservationFactory.TruncateToSecond(before));
        var floor = end - (long)lookback.TotalSeconds;
        var missed = new List<SpreadObservation>();
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var command = SqlValues.Command(connection, "SELECT MAX(second) FROM observations WHERE book = $book AND second >= $floor AND second < $end");
            foreach (var book in books)
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$book", book);
                command.Parameters.AddWithValue("$floor", floor);
                command.Parameters.AddWithValue("$end", end);
                if (await command.ExecuteScalarAsync(cancellationToken) is not long newest) continue;
                for (var second = newest + 1; second < end; second++)
                {
                    missed.Add(new SpreadObservation
                    {
                        Book = book,
                        Second = SqlValues.FromSeconds(second),
                        Source = "none",
                        Status = ObservationStatus.Missed,
                        Error = "no run captured this second",
                        RunId = runId,
                    });
                }
            }
        }
        return await InsertMissingAsync(missed, cancellationToken);
    }

    public async Task<IReadOnlyList<SpreadObservation>> ReadWindowAsync(DataInterval window, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, $"SELECT {Columns} FROM observations WHERE second >= $from AND second < $to ORDER BY book, second");
        command.Parameters.AddWithValue("$from", SqlValues.Seconds(CeilingSecond(window.Start)));
        command.Parameters.AddWithValue("$to", SqlValues.Seconds(CeilingSecond(window.End)));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<int> DeleteCompactedAsync(IReadOnlyList<SpreadObservation> compacted, CancellationToken cancellationToken)
    {
        if (compacted.Count == 0) return 0;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        // The same capture: a later upsert of the second (another run, a re-capture) differs in at least one of these.
        await using var command = SqlValues.Command(connection,
            """
            DELETE FROM observations
            WHERE book = $book AND second = $second AND status = $status AND source = $source AND run_id IS $runId
              AND latency_ms = $latency AND best_bid IS $bid AND best_ask IS $ask AND sequence IS $sequence
            """,
            transaction);
        var deleted = 0;
        foreach (var o in compacted)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$book", o.Book);
            command.Parameters.AddWithValue("$second", SqlValues.Seconds(o.Second));
            command.Parameters.AddWithValue("$status", o.Status.ToString().ToLowerInvariant());
            command.Parameters.AddWithValue("$source", o.Source);
            command.Parameters.AddWithValue("$runId", SqlValues.Nullable(o.RunId));
            command.Parameters.AddWithValue("$latency", o.LatencyMs);
            command.Parameters.AddWithValue("$bid", SqlValues.Decimal(o.BestBid));
            command.Parameters.AddWithValue("$ask", SqlValues.Decimal(o.BestAsk));
            command.Parameters.AddWithValue("$sequence", SqlValues.Nullable(o.Sequence));
            deleted += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async Task<DateTimeOffset?> OldestSecondAsync(DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, "SELECT MIN(second) FROM observations WHERE second >= $from AND second < $to");
        command.Parameters.AddWithValue("$from", SqlValues.Seconds(CeilingSecond(from)));
        command.Parameters.AddWithValue("$to", SqlValues.Seconds(CeilingSecond(before)));
        return await command.ExecuteScalarAsync(cancellationToken) is long second ? SqlValues.FromSeconds(second) : null;
    }

    public async Task<IReadOnlyList<SpreadObservation>> LatestAsync(string? book, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, book is null
            ? $"SELECT {Columns} FROM observations ORDER BY second DESC, book LIMIT $limit"
            : $"SELECT {Columns} FROM observations WHERE book = $book ORDER BY second DESC LIMIT $limit");
        if (book is not null) command.Parameters.AddWithValue("$book", book);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<SpreadObservation>> RangeAsync(string book, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, $"SELECT {Columns} FROM observations WHERE book = $book AND second >= $from AND second < $to ORDER BY second");
        command.Parameters.AddWithValue("$book", book);
        command.Parameters.AddWithValue("$from", SqlValues.Seconds(CeilingSecond(from)));
        command.Parameters.AddWithValue("$to", SqlValues.Seconds(CeilingSecond(to)));
        return await ReadAllAsync(command, cancellationToken);
    }

    internal static async Task<IReadOnlyList<SpreadObservation>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var result = new List<SpreadObservation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(Read(reader));
        return result;
    }

    internal static string SelectColumns => Columns;

    private async Task<int> WriteAsync(IReadOnlyList<SpreadObservation> observations, string verb, CancellationToken cancellationToken)
    {
        if (observations.Count == 0) return 0;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = SqlValues.Command(connection,
            $"{verb} INTO observations ({Columns}) VALUES ($book, $second, $bid, $ask, $bidAmount, $askAmount, $spread, $spreadPct, $source, $exchangeTs, $sequence, $latency, $status, $error, $runId)",
            transaction);
        var written = 0;
        foreach (var o in observations)
        {
            if (o.Second != SpreadObservationFactory.TruncateToSecond(o.Second))
                throw new ArgumentException($"Observation of {o.Book} at {o.Second:O} is not on a whole second.", nameof(observations));
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$book", o.Book);
            command.Parameters.AddWithValue("$second", SqlValues.Seconds(o.Second));
            command.Parameters.AddWithValue("$bid", SqlValues.Decimal(o.BestBid));
            command.Parameters.AddWithValue("$ask", SqlValues.Decimal(o.BestAsk));
            command.Parameters.AddWithValue("$bidAmount", SqlValues.Decimal(o.BidAmount));
            command.Parameters.AddWithValue("$askAmount", SqlValues.Decimal(o.AskAmount));
            command.Parameters.AddWithValue("$spread", SqlValues.Decimal(o.Spread));
            command.Parameters.AddWithValue("$spreadPct", SqlValues.Decimal(o.SpreadPct));
            command.Parameters.AddWithValue("$source", o.Source);
            command.Parameters.AddWithValue("$exchangeTs", SqlValues.Nullable(o.ExchangeTimestamp?.ToUnixTimeMilliseconds()));
            command.Parameters.AddWithValue("$sequence", SqlValues.Nullable(o.Sequence));
            command.Parameters.AddWithValue("$latency", o.LatencyMs);
            command.Parameters.AddWithValue("$status", o.Status.ToString().ToLowerInvariant());
            command.Parameters.AddWithValue("$error", SqlValues.Nullable(o.Error));
            command.Parameters.AddWithValue("$runId", SqlValues.Nullable(o.RunId));
            written += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static SpreadObservation Read(SqliteDataReader r) => new()
    {
        Book = r.GetString(0),
        Second = SqlValues.FromSeconds(r.GetInt64(1)),
        BestBid = SqlValues.Decimal(r, 2),
        BestAsk = SqlValues.Decimal(r, 3),
        BidAmount = SqlValues.Decimal(r, 4),
        AskAmount = SqlValues.Decimal(r, 5),
        Spread = SqlValues.Decimal(r, 6),
        SpreadPct = SqlValues.Decimal(r, 7),
        Source = r.GetString(8),
        ExchangeTimestamp = r.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        Sequence = r.IsDBNull(10) ? null : r.GetInt64(10),
        LatencyMs = r.GetDouble(11),
        Status = Enum.Parse<ObservationStatus>(r.GetString(12), ignoreCase: true),
        Error = r.IsDBNull(13) ? null : r.GetString(13),
        RunId = r.IsDBNull(14) ? null : r.GetString(14),
    };

    // A window boundary inside a second still starts at the next whole second, so [start, end) keeps its meaning.
    private static DateTimeOffset CeilingSecond(DateTimeOffset instant)
    {
        var floor = SpreadObservationFactory.TruncateToSecond(instant);
        return floor == instant.ToUniversalTime() ? floor : floor.AddSeconds(1);
    }
}
