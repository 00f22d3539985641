using BitsoWorkflows.Activities.MasterData.Snapshots;
using BitsoWorkflows.Engine.Hosting;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// Loads one snapshot source for logical day D: rows with event time in [D − lookback, D + 1), or all history up to
/// the end of D when the warehouse has never loaded the source. A file with the checksum of the last load whose
/// window is already covered is a no-op. Rejects exceeding <c>maxRejectShare</c> of the rows read fail the load
/// after they are recorded, and before any fact changes.
/// </summary>
public sealed class SourceLoader(WarehouseDatabase database, TimeProvider time)
{
    public async Task<SourceLoadResult> LoadAsync(SnapshotFile file, DateOnly day, int lookbackDays, double maxRejectShare, bool force, string runId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lookbackDays);
        if (maxRejectShare is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(maxRejectShare), maxRejectShare, "maxRejectShare must be between 0 and 1.");
        var source = file.Source;
        var name = SnapshotLayout.Name(source);
        var to = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        await using var connection = await database.OpenAsync(cancellationToken);
        var state = await ReadStateAsync(connection, name, cancellationToken);
        DateTime? from = state is null || source == SnapshotSource.Users ? null : day.AddDays(-lookbackDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        if (!force && state is { } known && known.Checksum == file.Checksum
            && (source == SnapshotSource.Users || ((known.From is null || (from is not null && known.From <= from)) && known.To >= to)))
            return new SourceLoadResult { Source = name, Checksum = file.Checksum, Unchanged = true, WindowFrom = from, WindowTo = to, Read = known.RowsRead ?? file.Rows ?? 0 };

        try
        {
            var started = time.GetTimestamp();
            var staged = await SnapshotStager.StageAsync(connection, source, file.Path, from, to, cancellationToken);
            var stageTime = time.GetElapsedTime(started);
            started = time.GetTimestamp();
            var (duplicates, superseded, clean, flagged) = await SourceMerger.DeduplicateAsync(connection, source, to, cancellationToken);
            var result = new SourceLoadResult
            {
                Source = name,
                Checksum = file.Checksum,
                WindowFrom = from,
                WindowTo = to,
                Read = staged.Read,
                Rejected = staged.Rejected,
                OutsideWindow = staged.OutsideWindow,
                Duplicates = duplicates,
                Superseded = superseded,
                Loaded = clean,
                Flagged = flagged,
            };

            using (await database.EnterWriteAsync(cancellationToken))
            {
                await connection.ExecuteAsync("BEGIN TRANSACTION", cancellationToken);
                var open = true;
                try
                {
                    await SourceMerger.MergeRejectsAsync(connection, source, cancellationToken);
                    if (result.RejectShare > maxRejectShare)
                    {
                        await LoadHistory.RecordAsync(connection, ["etl_rejects"], day, runId, time.GetUtcNow(), result.Rejected, cancellationToken);
                        await connection.ExecuteAsync("COMMIT", cancellationToken);
                        open = false;
                        throw new InvalidDataException(
                            $"{name}: {result.Rejected} of {result.Read} rows rejected ({result.RejectShare:P2}), more than the allowed {maxRejectShare:P2}; see etl_rejects (source = '{name}'). No facts were changed.");
                    }
                    var (inserted, updated) = await SourceMerger.MergeAsync(connection, source, cancellationToken);
                    result = result with { Inserted = inserted, Updated = updated, StageTime = stageTime, MergeTime = time.GetElapsedTime(started) };
                    await WriteStateAsync(connection, name, file.Checksum, staged.Read, state, from, to, runId, cancellationToken);
                    string[] tables = source switch
                    {
                        SnapshotSource.Users => ["src_user_snapshot"],
                        SnapshotSource.Events => ["fct_login", "fct_user_event"],
                        _ => ["fct_transaction"],
                    };
                    var loadedAt = time.GetUtcNow();
                    await LoadHistory.RecordAsync(connection, tables, day, runId, loadedAt, inserted + updated, cancellationToken);
                    await LoadHistory.RecordAsync(connection, ["etl_rejects"], day, runId, loadedAt, result.Rejected, cancellationToken);
                    CrashPoint.Reach(CrashPoint.WarehouseMerged);
                    await connection.ExecuteAsync("COMMIT", cancellationToken);
                    open = false;
                }
                catch (Exception) when (open)
                {
                    await connection.ExecuteAsync("ROLLBACK", CancellationToken.None);
                    throw;
                }
            }
            return result;
        }
        finally
        {
            await SourceMerger.DropStagingAsync(connection, source, CancellationToken.None);
        }
    }

    /// <param name="RowsRead">The data rows the last load of the file read (null when saved before this was kept).</param>
    private sealed record SourceState(string Checksum, DateTime? From, DateTime To, long? RowsRead);

    private static async Task<SourceState?> ReadStateAsync(DuckDBConnection connection, string source, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT checksum, covered_from, covered_to, rows_read FROM etl_source_state WHERE source = $source";
        command.Parameters.Add(new DuckDBParameter("source", source));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new SourceState(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetDateTime(1), reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
    }

    private async Task WriteStateAsync(DuckDBConnection connection, string source, string checksum, long rowsRead, SourceState? previous, DateTime? from, DateTime to, string runId, CancellationToken cancellationToken)
    {
        // Windows of the same file that overlap or touch grow one covered span; a new file starts a new one.
        if (previous is not null && previous.Checksum == checksum && (previous.From is null || from is null || previous.From <= to) && (from is null || previous.To >= from))
        {
            from = previous.From is null || from is null ? null : previous.From < from ? previous.From : from;
            to = previous.To > to ? previous.To : to;
        }
        await connection.ExecuteAsync(
            """
            DELETE FROM etl_source_state WHERE source = $source;
            INSERT INTO etl_source_state (source, checksum, covered_from, covered_to, loaded_at, run_id, rows_read)
            VALUES ($source, $checksum, $from, $to, $loadedAt, $runId, $rowsRead);
            """,
            cancellationToken,
            ("source", source), ("checksum", checksum), ("from", from), ("to", to), ("loadedAt", time.GetUtcNow().UtcDateTime), ("runId", runId), ("rowsRead", rowsRead));
    }
}
