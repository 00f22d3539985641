namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// The <c>spreads</c> view: every Parquet file of the lake (<c>spreads/book=*/date=*/*.parquet</c>) with its hive partitions <c>book</c> (VARCHAR) and
/// <c>date</c> (DATE). Before the first file exists it is an empty view with the same columns, so queries still bind.
/// </summary>
public sealed class SpreadsQuerySource(LakeLayout layout) : ILakeQuerySource
{
    public const string ViewName = "spreads";

    public IReadOnlyList<string> ReadableFolders => [layout.Root];

    public IReadOnlyList<string> SetupStatements()
    {
        var root = layout.SpreadsRoot;
        var hasFiles = Directory.EnumerateFiles(root, "*" + LakeLayout.ParquetExtension, SearchOption.AllDirectories).Any();
        if (!hasFiles)
        {
            var columns = string.Join(", ", SpreadFileSchema.DuckDbColumns.Select(c => $"CAST(NULL AS {c.Type}) AS \"{c.Name}\""));
            return [$"CREATE VIEW {ViewName} AS SELECT {columns} WHERE false"];
        }
        // The layout's depth spelled out: DuckDB expands book=*/date=* far faster than a recursive ** over thousands of files.
        var glob = Path.Combine(root, "book=*", "date=*", "*" + LakeLayout.ParquetExtension).Replace('\\', '/');
        return [$"CREATE VIEW {ViewName} AS SELECT * FROM read_parquet({Sql.Literal(glob)}, hive_partitioning = true, hive_types = {{'book': VARCHAR, 'date': DATE}})"];
    }
}
