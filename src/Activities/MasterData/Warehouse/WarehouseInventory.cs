using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>What the warehouse holds: each model and bookkeeping table with its row count and last load.</summary>
public sealed class WarehouseInventory(WarehouseDatabase database)
{
    public string DatabasePath => database.Path;

    /// <summary>The tables, model first; empty when no load has created the warehouse yet.</summary>
    public async Task<IReadOnlyList<WarehouseTableInfo>> ListAsync(CancellationToken cancellationToken)
    {
        if (!database.Exists) return [];
        await using var connection = await database.OpenAsync(cancellationToken);
        var history = new Dictionary<string, (DateTime LoadedAt, DateTime LogicalDate, string RunId, long Rows)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name, loaded_at, logical_date, run_id, rows_changed FROM etl_load_history";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                history[reader.GetString(0)] = (reader.GetDateTime(1), reader.GetDateTime(2), reader.GetString(3), reader.GetInt64(4));
        }

        var tables = new List<WarehouseTableInfo>();
        foreach (var (table, kind) in WarehouseSchema.ModelTables.Select(t => (t, "model")).Concat(WarehouseSchema.LoadTables.Select(t => (t, "load"))))
        {
            var rows = await connection.ScalarAsync<long>($"SELECT count(*) FROM {table}", cancellationToken);
            tables.Add(history.TryGetValue(table, out var last)
                ? new WarehouseTableInfo(table, kind, rows, new DateTimeOffset(DateTime.SpecifyKind(last.LoadedAt, DateTimeKind.Utc)), DateOnly.FromDateTime(last.LogicalDate), last.RunId, last.Rows)
                : new WarehouseTableInfo(table, kind, rows, null, null, null, null));
        }
        return tables;
    }

    /// <summary>Up to <paramref name="limit"/> rejects of a source (or of all sources when null), by source and line; for the Studio's data page.</summary>
    public async Task<IReadOnlyList<WarehouseReject>> RejectsAsync(string? source, int limit, CancellationToken cancellationToken)
    {
        if (!database.Exists) return [];
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, line_number, reason, raw_line FROM etl_rejects WHERE $source IS NULL OR source = $source ORDER BY source, line_number LIMIT $limit";
        command.Parameters.Add(new DuckDBParameter("source", (object?)source ?? DBNull.Value));
        command.Parameters.Add(new DuckDBParameter("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<WarehouseReject>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new WarehouseReject(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
        return rows;
    }
}
