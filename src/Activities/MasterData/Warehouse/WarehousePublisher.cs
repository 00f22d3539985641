using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// Publishes every model table as one Parquet file, <c>lake/warehouse/&lt;table&gt;/&lt;table&gt;.parquet</c>, rows in
/// natural-key order so an unchanged table gives the same file. Each file is written aside and moved into place.
/// When no load changed anything since the last publish (same load history and snapshot checksums), it writes nothing.
/// </summary>
public sealed class WarehousePublisher(WarehouseDatabase database, DataDirectory dataDirectory)
{
    private const string MarkerFile = "_published";

    private const string FingerprintSql = """
        SELECT coalesce((SELECT string_agg(table_name || '|' || run_id || '|' || CAST(loaded_at AS VARCHAR) || '|' || rows_changed, ';' ORDER BY table_name) FROM etl_load_history), '')
            || '#' || coalesce((SELECT string_agg(source || '|' || sha256 || '|' || CAST(covered_to AS VARCHAR), ';' ORDER BY source) FROM etl_source_state), '')
        """;

    public async Task<PublishResult> PublishAsync(CancellationToken cancellationToken)
    {
        var folder = dataDirectory.Folder("lake", "warehouse");
        var files = WarehouseSchema.ModelTables.Select(t => Path.Combine(folder, t, t + ".parquet")).ToList();
        var marker = Path.Combine(folder, MarkerFile);
        await using var connection = await database.OpenAsync(cancellationToken);
        var fingerprint = await connection.ScalarAsync<string>(FingerprintSql, cancellationToken) ?? "";
        if (File.Exists(marker) && await File.ReadAllTextAsync(marker, cancellationToken) == fingerprint && files.All(File.Exists))
            return new PublishResult(folder, files, Skipped: true);

        foreach (var table in WarehouseSchema.ModelTables)
        {
            var target = Path.Combine(dataDirectory.Folder("lake", "warehouse", table), table + ".parquet");
            var temporary = target + ".tmp";
            await connection.ExecuteAsync(
                $"COPY (SELECT * FROM {table} ORDER BY {WarehouseSchema.OrderBy(table)}) TO '{temporary.Replace("'", "''")}' (FORMAT parquet)",
                cancellationToken);
            File.Move(temporary, target, overwrite: true);
        }
        await File.WriteAllTextAsync(marker, fingerprint, cancellationToken);
        return new PublishResult(folder, files, Skipped: false);
    }
}
