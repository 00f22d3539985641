namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// The <c>spreads</c> view: every window file of the lake (<c>spreads/book=*/date=*/*.parquet</c>, and the <c>.csv</c>
/// ones of runs with <c>format: csv</c>, read with the same column types) with its hive partitions <c>book</c>
/// (VARCHAR) and <c>date</c> (DATE). Before the first file exists it is an empty view with the same columns, so
/// queries still bind.
/// </summary>
public sealed class SpreadsQuerySource(LakeLayout layout) : ILakeQuerySource
{
    public const string ViewName = "spreads";

    public IReadOnlyList<string> ReadableFolders => [layout.Root];

    public IReadOnlyList<string> SetupStatements()
    {
        var root = layout.SpreadsRoot;
        bool Any(string extension) => Directory.EnumerateFiles(root, "*" + extension, SearchOption.AllDirectories).Any();
        // The layout's depth spelled out: DuckDB expands book=*/date=* far faster than a recursive ** over thousands of files.
        string Glob(string extension) => Sql.Literal(Path.Combine(root, "book=*", "date=*", "*" + extension).Replace('\\', '/'));
        const string Partitions = "hive_partitioning = true, hive_types = {'book': VARCHAR, 'date': DATE}";

        var selects = new List<string>();
        if (Any(LakeLayout.ParquetExtension))
            selects.Add($"SELECT * FROM read_parquet({Glob(LakeLayout.ParquetExtension)}, {Partitions})");
        if (Any(LakeLayout.CsvExtension))
        {
            var columns = string.Join(", ", SpreadFileSchema.DuckDbColumns.Where(c => c.Name is not ("book" or "date")).Select(c => $"'{c.Name}': '{c.Type}'"));
            selects.Add($"SELECT * FROM read_csv({Glob(LakeLayout.CsvExtension)}, header = true, columns = {{{columns}}}, {Partitions})");
        }
        if (selects.Count == 0)
        {
            var columns = string.Join(", ", SpreadFileSchema.DuckDbColumns.Select(c => $"CAST(NULL AS {c.Type}) AS \"{c.Name}\""));
            return [$"CREATE VIEW {ViewName} AS SELECT {columns} WHERE false"];
        }
        return [$"CREATE VIEW {ViewName} AS {string.Join(" UNION ALL BY NAME ", selects)}"];
    }
}
