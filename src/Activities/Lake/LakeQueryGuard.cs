using System.Text.Json;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Decides whether SQL may run over the lake, before DuckDB binds or runs any of it (binding alone can act: DuckDB
/// creates the folder of an <c>EXPORT DATABASE</c> while preparing it). DuckDB's own parser decides: the text must be
/// exactly one statement that <c>json_serialize_sql</c> accepts, i.e. a SELECT (WITH, FROM-first, DESCRIBE, SHOW and
/// SUMMARIZE parse as SELECT). Table functions and file names in the parse tree that read files must name paths inside
/// the readable folders. The connection's lockdown (no external access outside those folders, locked configuration)
/// stays the last line of defence.
/// </summary>
public sealed class LakeQueryGuard
{
    private const string ReadOnlyNote = "The lake is read-only: only a single SELECT query (also WITH …, FROM …, DESCRIBE, SHOW, SUMMARIZE) is allowed.";

    private static readonly HashSet<string> FileFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "glob", "sniff_csv", "parquet_metadata", "parquet_schema", "parquet_file_metadata", "parquet_kv_metadata", "parquet_bloom_probe",
        "iceberg_metadata", "iceberg_snapshots", "load_aws_credentials",
    };

    private static readonly HashSet<string> StringSqlFunctions = new(StringComparer.OrdinalIgnoreCase) { "query", "query_table" };

    /// <exception cref="LakeQueryException">The SQL is refused (with the offending construct named) or does not parse.</exception>
    public void Check(DuckDBConnection connection, string sql, IReadOnlyList<string> readableFolders)
    {
        if (string.IsNullOrWhiteSpace(sql))
            throw new LakeQueryException("The query is empty.", refused: true);

        var count = CountStatements(connection, sql);
        var statements = SqlStatementScanner.Split(sql);
        var tree = Serialize(connection, sql);
        if (tree.GetProperty("error").GetBoolean())
        {
            var message = tree.TryGetProperty("error_message", out var m) ? m.GetString() ?? "" : "";
            if (!message.Contains("Only SELECT", StringComparison.OrdinalIgnoreCase))
                throw new LakeQueryException($"The query cannot be checked: {message}", refused: true);
            var offending = statements.Count == count
                ? statements.Select((s, i) => (Text: s, Index: i)).FirstOrDefault(s => !IsSelect(connection, s.Text))
                : default;
            var construct = offending.Text is null ? "a statement that is not a SELECT" : SqlStatementScanner.Describe(offending.Text);
            var where = offending.Text is not null && count > 1 ? $" (statement {offending.Index + 1} of {count})" : "";
            throw new LakeQueryException($"Refused: {construct}{where} {Reason(construct)}. {ReadOnlyNote}", refused: true);
        }
        if (count != 1)
            throw new LakeQueryException($"Refused: the text holds {count} statements; run one query at a time.", refused: true);

        foreach (var statement in tree.GetProperty("statements").EnumerateArray())
            CheckReads(statement, readableFolders);
    }

    private static int CountStatements(DuckDBConnection connection, string sql)
    {
        var count = NativeMethods.ExtractStatements.DuckDBExtractStatements(connection.NativeConnection, sql, out var extracted);
        using (extracted)
        {
            if (count > 0)
                return count;
            var error = NativeMethods.ExtractStatements.DuckDBExtractStatementsError(extracted);
            throw new LakeQueryException(string.IsNullOrEmpty(error) ? "The query holds no statement." : error, refused: false);
        }
    }

    private static JsonElement Serialize(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql(CAST(? AS VARCHAR))";
        command.Parameters.Add(new DuckDBParameter(sql));
        var json = (string)command.ExecuteScalar()!;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static bool IsSelect(DuckDBConnection connection, string statement) => !Serialize(connection, statement).GetProperty("error").GetBoolean();

    private static string Reason(string construct) => construct.Split(' ')[0] switch
    {
        "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "TRUNCATE" or "CREATE" or "DROP" or "ALTER" or "COMMENT" => "changes data or the catalog",
        "COPY" when construct.EndsWith("TO", StringComparison.Ordinal) => "writes files",
        "EXPORT" => "writes files",
        "COPY" or "IMPORT" => "loads files into tables",
        "ATTACH" or "DETACH" or "USE" => "attaches or switches databases",
        "INSTALL" or "LOAD" or "FORCE" or "UPDATE_EXTENSIONS" => "installs or loads extensions",
        "PRAGMA" or "SET" or "RESET" => "changes settings",
        "CALL" => "calls a procedure",
        "CHECKPOINT" or "VACUUM" or "ANALYZE" => "maintains the database",
        "BEGIN" or "START" or "COMMIT" or "END" or "ROLLBACK" or "ABORT" => "controls transactions",
        "PREPARE" or "EXECUTE" or "DEALLOCATE" => "prepares statements",
        "EXPLAIN" => "is not supported (run the SELECT itself)",
        _ => "is not a read-only query",
    };

    /// <summary>Walks the parse tree for table functions and file names that read files.</summary>
    private static void CheckReads(JsonElement node, IReadOnlyList<string> readableFolders)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
                CheckReads(item, readableFolders);
            return;
        }
        if (node.ValueKind != JsonValueKind.Object)
            return;
        var type = node.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type == "TABLE_FUNCTION" && node.TryGetProperty("function", out var function))
            CheckTableFunction(function, readableFolders);
        else if (type == "BASE_TABLE" && node.TryGetProperty("table_name", out var table) && table.GetString() is { } name && LooksLikePath(name))
            CheckPath($"FROM '{name}'", name, readableFolders);
        foreach (var property in node.EnumerateObject())
            CheckReads(property.Value, readableFolders);
    }

    private static void CheckTableFunction(JsonElement function, IReadOnlyList<string> readableFolders)
    {
        var name = function.TryGetProperty("function_name", out var n) ? n.GetString() ?? "" : "";
        if (StringSqlFunctions.Contains(name))
            throw new LakeQueryException($"Refused: {name}(…) runs SQL given as a string, which cannot be checked; write the query directly.", refused: true);
        if (!(FileFunctions.Contains(name) || name.StartsWith("read_", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_scan", StringComparison.OrdinalIgnoreCase)))
            return;
        var arguments = function.GetProperty("children");
        var paths = arguments.GetArrayLength() > 0 ? LiteralStrings(arguments[0]) : null;
        if (paths is null or { Count: 0 })
            throw new LakeQueryException($"Refused: {name}(…) must be given its path as a literal string (or a list of them), so that it can be checked to be inside the lake.", refused: true);
        foreach (var path in paths)
            CheckPath($"{name}('{path}')", path, readableFolders);
    }

    private static List<string>? LiteralStrings(JsonElement argument)
    {
        var kind = argument.TryGetProperty("class", out var c) ? c.GetString() : null;
        if (kind == "CONSTANT")
        {
            var value = argument.GetProperty("value");
            return value.GetProperty("is_null").GetBoolean() || !value.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.String ? null : [v.GetString()!];
        }
        if (kind == "FUNCTION" && argument.GetProperty("function_name").GetString() == "list_value")
        {
            var all = new List<string>();
            foreach (var child in argument.GetProperty("children").EnumerateArray())
            {
                if (LiteralStrings(child) is not { } strings)
                    return null;
                all.AddRange(strings);
            }
            return all;
        }
        return null;
    }

    private static void CheckPath(string construct, string path, IReadOnlyList<string> readableFolders)
    {
        if (!IsInside(path, readableFolders))
            throw new LakeQueryException($"Refused: {construct} reads outside the lake; only files under {string.Join(", ", readableFolders)} can be queried.", refused: true);
    }

    internal static bool IsInside(string path, IReadOnlyList<string> readableFolders)
    {
        if (path.Contains("://", StringComparison.Ordinal) || path.StartsWith('~'))
            return false;
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
        return readableFolders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)))
            .Any(folder => full == folder || full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    /// <summary>DuckDB reads a quoted file name in FROM as a file (a replacement scan); catalog names have neither slashes nor extensions.</summary>
    private static bool LooksLikePath(string name) =>
        name.Contains('/') || name.Contains('\\') || Path.HasExtension(name);
}
