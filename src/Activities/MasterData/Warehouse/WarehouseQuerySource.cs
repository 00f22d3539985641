using System.Text.RegularExpressions;
using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// The warehouse tables for <c>query</c>: one view per table over its published Parquet under <c>lake/warehouse/</c>.
/// Reading the published files rather than the DuckDB file keeps queries free of the file's one-process lock, so they
/// work while the server loads.
/// </summary>
public sealed partial class WarehouseQuerySource(DataDirectory dataDirectory) : ILakeQuerySource
{
    public IReadOnlyList<string> ReadableFolders => [dataDirectory.Folder("lake")];

    public IReadOnlyList<string> SetupStatements()
    {
        var root = dataDirectory.Folder("lake", "warehouse");
        var statements = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var table = Path.GetFileName(folder);
            if (!TableName().IsMatch(table) || !Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Any()) continue;
            var partitioned = Directory.EnumerateDirectories(folder, "month=*").Any();
            var glob = (partitioned ? Path.Combine(folder, "month=*", "*.parquet") : Path.Combine(folder, "*.parquet")).Replace('\\', '/');
            var reader = partitioned ? $"read_parquet({Sql.Literal(glob)}, hive_partitioning = true)" : $"read_parquet({Sql.Literal(glob)})";
            statements.Add($"CREATE VIEW {table} AS SELECT * FROM {reader}");
        }
        return statements;
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*\z")]
    private static partial Regex TableName();
}
