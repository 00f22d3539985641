using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// Publishes every model table as one Parquet file, <c>lake/warehouse/&lt;table&gt;/&lt;table&gt;.parquet</c>, rows in
/// natural-key order so an unchanged table gives the same file. Each file is written aside and moved into place.
/// </summary>
public sealed class WarehousePublisher(WarehouseDatabase database, DataDirectory dataDirectory)
{
    /// <summary>Writes the files and returns their paths.</summary>
    public async Task<IReadOnlyList<string>> PublishAsync(CancellationToken cancellationToken)
    {
        var files = new List<string>();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var table in WarehouseSchema.ModelTables)
        {
            var target = Path.Combine(dataDirectory.Folder("lake", "warehouse", table), table + ".parquet");
            var temporary = target + ".tmp";
            await connection.ExecuteAsync(
                $"COPY (SELECT * FROM {table} ORDER BY {WarehouseSchema.OrderBy(table)}) TO '{temporary.Replace("'", "''")}' (FORMAT parquet, COMPRESSION zstd)",
                cancellationToken);
            File.Move(temporary, target, overwrite: true);
            files.Add(target);
        }
        return files;
    }
}
