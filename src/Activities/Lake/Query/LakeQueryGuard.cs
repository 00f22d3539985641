using System.Text.Json;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Decides whether SQL may run over the lake, before DuckDB binds or runs any of it (binding alone can act: DuckDB
/// creates the folder of an <c>EXPORT DATABASE</c> while preparing it). It accepts what it can name and nothing else:
/// the text must be exactly one SELECT (CTEs, set operations, subqueries, window functions allowed) as DuckDB's own
/// parser sees it (<c>json_serialize_sql</c>), whose every relation is one of the published views or a CTE of the
/// query, whose every table function is <c>range</c>, <c>generate_series</c> or <c>unnest</c>, and whose every function
/// is in <see cref="SqlFunctionAllowList"/>. No file paths at all: the lake is read through its views.
/// </summary>
public sealed class LakeQueryGuard
{
    /// <summary>Longest SQL text checked, in characters.</summary>
    public const int MaxLength = 100_000;

    /// <summary>Deepest nesting of parentheses allowed; DuckDB's parser and this guard recurse per level.</summary>
    public const int MaxNesting = 48;

    /// <summary>Deepest parse tree walked (JSON levels; about three per expression level).</summary>
    private const int MaxTreeDepth = 400;

    private const string ReadOnlyNote = "The lake is read-only: only a single SELECT query (also WITH …, FROM …, DESCRIBE, SUMMARIZE) over its views is allowed.";

    /// <summary>Keywords that open DuckDB's statements other than queries.</summary>
    private static readonly HashSet<string> OtherStatements = new(StringComparer.Ordinal)
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "DROP", "ALTER", "COMMENT", "COPY", "EXPORT", "IMPORT", "ATTACH",
        "DETACH", "USE", "INSTALL", "LOAD", "FORCE", "UPDATE_EXTENSIONS", "PRAGMA", "SET", "RESET", "CALL", "CHECKPOINT", "VACUUM",
        "ANALYZE", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE", "EXECUTE", "DEALLOCATE", "EXPLAIN", "PIVOT",
        "UNPIVOT", "PIVOT_WIDER", "PIVOT_LONGER", "GRANT", "REVOKE",
    };

    private static readonly HashSet<string> QueryNodes = new(StringComparer.Ordinal) { "SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE" };

    /// <summary>DuckDB's kinds of table reference (<c>TableReferenceType</c>); each is either checked below or refused.</summary>
    private static readonly HashSet<string> TableReferences = new(StringComparer.Ordinal)
    {
        "BASE_TABLE", "SUBQUERY", "JOIN", "TABLE_FUNCTION", "EXPRESSION_LIST", "CTE", "EMPTY", "EMPTY_FROM", "PIVOT", "SHOW_REF",
        "COLUMN_DATA", "DELIM_GET", "BOUND_TABLE_REF", "INVALID",
    };

    private static readonly HashSet<string> PlainExpressions = new(StringComparer.Ordinal)
    {
        "CONSTANT", "COLUMN_REF", "OPERATOR", "COMPARISON", "CONJUNCTION", "CASE", "CAST", "SUBQUERY", "STAR", "BETWEEN",
        "LAMBDA", "LAMBDA_REF", "COLLATE", "POSITIONAL_REFERENCE",
    };

    /// <summary>Checks <paramref name="sql"/> against what <paramref name="scope"/> publishes.</summary>
    /// <exception cref="LakeQueryException">The SQL is refused (with the offending construct named) or does not parse.</exception>
    public void Check(DuckDBConnection connection, string sql, LakeQueryScope scope)
    {
        if (string.IsNullOrWhiteSpace(sql))
            throw LakeQueryException.Refuse("The query is empty.");
        if (sql.Length > MaxLength)
            throw new LakeQueryException($"The query is {sql.Length:N0} characters long; at most {MaxLength:N0} are accepted.", LakeQueryFailure.TooLarge);
        if (SqlStatementScanner.MaxNesting(sql) > MaxNesting)
            throw LakeQueryException.Refuse($"Refused: the query nests parentheses more than {MaxNesting} levels deep.");

        // Parsing is not always harmless (DuckDB reads the files of an IMPORT DATABASE while parsing it), so a
        // statement that opens with the keyword of another kind of statement is named and refused unparsed; any other
        // text goes to the parser, whose tree is then checked against the allow-list below.
        var statements = SqlStatementScanner.Split(sql);
        for (var i = 0; i < statements.Count; i++)
        {
            if (SqlStatementScanner.LeadingKeyword(statements[i]) is { } keyword && OtherStatements.Contains(keyword))
            {
                var construct = SqlStatementScanner.Describe(statements[i]);
                var where = statements.Count > 1 ? $" (statement {i + 1} of {statements.Count})" : "";
                throw LakeQueryException.Refuse($"Refused: {construct}{where} {Reason(construct)}. {ReadOnlyNote}");
            }
        }

        var count = CountStatements(connection, sql);
        var tree = Serialize(connection, sql);
        if (tree is null)
            throw LakeQueryException.Refuse($"Refused: the query nests expressions too deeply to be checked.");
        if (tree.Value.GetProperty("error").GetBoolean())
            throw NotASelect(connection, sql, count, tree.Value);
        if (count != 1)
            throw LakeQueryException.Refuse($"Refused: the text holds {count} statements; run one query at a time.");

        var walker = new Walker(scope);
        foreach (var statement in tree.Value.GetProperty("statements").EnumerateArray())
            walker.Visit(statement, Scope.Empty, 0);
    }

    private static LakeQueryException NotASelect(DuckDBConnection connection, string sql, int count, JsonElement tree)
    {
        var message = tree.TryGetProperty("error_message", out var m) ? m.GetString() ?? "" : "";
        if (!message.Contains("Only SELECT", StringComparison.OrdinalIgnoreCase))
            return LakeQueryException.Refuse($"Refused: the query cannot be checked: {message}");
        var statements = SqlStatementScanner.Split(sql);
        var offending = statements.Count == count
            ? statements.Select((s, i) => (Text: s, Index: i)).FirstOrDefault(s => Serialize(connection, s.Text) is not { } t || t.GetProperty("error").GetBoolean())
            : default;
        var construct = offending.Text is null ? "a statement that is not a SELECT" : SqlStatementScanner.Describe(offending.Text);
        var where = offending.Text is not null && count > 1 ? $" (statement {offending.Index + 1} of {count})" : "";
        return LakeQueryException.Refuse($"Refused: {construct}{where} {Reason(construct)}. {ReadOnlyNote}");
    }

    private static int CountStatements(DuckDBConnection connection, string sql)
    {
        var count = NativeMethods.ExtractStatements.DuckDBExtractStatements(connection.NativeConnection, sql, out var extracted);
        using (extracted)
        {
            if (count > 0)
                return count;
            var error = NativeMethods.ExtractStatements.DuckDBExtractStatementsError(extracted);
            throw new LakeQueryException(string.IsNullOrEmpty(error) ? "The query holds no statement." : error, LakeQueryFailure.Invalid);
        }
    }

    /// <summary>DuckDB's parse tree of the text, or null when it is nested too deeply to read.</summary>
    private static JsonElement? Serialize(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql(CAST(? AS VARCHAR))";
        command.Parameters.Add(new DuckDBParameter(sql));
        var json = (string)command.ExecuteScalar()!;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxTreeDepth + 64 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

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
        "PIVOT" or "UNPIVOT" => "is not supported (write it with GROUP BY and FILTER)",
        _ => "is not a read-only query",
    };

    /// <summary>The CTE names visible at a point of the query.</summary>
    private sealed record Scope(IReadOnlySet<string> Ctes)
    {
        public static readonly Scope Empty = new(new HashSet<string>(StringComparer.OrdinalIgnoreCase));

        public Scope With(string name) => new(new HashSet<string>(Ctes, StringComparer.OrdinalIgnoreCase) { name });
    }

    /// <summary>Walks DuckDB's parse tree: expressions (objects with a <c>class</c>), query nodes and table references.</summary>
    private sealed class Walker(LakeQueryScope published)
    {
        public void Visit(JsonElement node, Scope scope, int depth)
        {
            if (depth > MaxTreeDepth)
                throw LakeQueryException.Refuse("Refused: the query nests expressions too deeply to be checked.");
            if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in node.EnumerateArray())
                    Visit(item, scope, depth + 1);
                return;
            }
            if (node.ValueKind != JsonValueKind.Object)
                return;
            var type = node.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            if (node.TryGetProperty("class", out var c) && c.ValueKind == JsonValueKind.String)
                VisitExpression(node, c.GetString()!, scope, depth);
            else if (type.EndsWith("_NODE", StringComparison.Ordinal))
                VisitQueryNode(node, type, scope, depth);
            else if (TableReferences.Contains(type))
                VisitTableReference(node, type, scope, depth);
            else
                VisitChildren(node, scope, depth);
        }

        private void VisitChildren(JsonElement node, Scope scope, int depth, params string[] skip)
        {
            foreach (var property in node.EnumerateObject())
            {
                if (!skip.Contains(property.Name, StringComparer.Ordinal))
                    Visit(property.Value, scope, depth + 1);
            }
        }

        private void VisitExpression(JsonElement node, string kind, Scope scope, int depth)
        {
            switch (kind)
            {
                case "FUNCTION" or "WINDOW":
                    var name = node.GetProperty("function_name").GetString() ?? "";
                    if (!SqlFunctionAllowList.AllowsFunction(name) || !IsDefaultSchema(node, "schema") || !IsDefaultCatalog(node, "catalog"))
                        throw LakeQueryException.Refuse($"Refused: function {Qualified(node, name)} is not allowed; a query may call pure scalar, aggregate and window functions. {ReadOnlyNote}");
                    break;
                case "PARAMETER":
                    throw LakeQueryException.Refuse("Refused: parameters ($1, ?) are not supported; write the values into the query.");
                default:
                    if (!PlainExpressions.Contains(kind))
                        throw LakeQueryException.Refuse($"Refused: the expression {kind} is not allowed. {ReadOnlyNote}");
                    break;
            }
            VisitChildren(node, scope, depth);
        }

        private void VisitQueryNode(JsonElement node, string type, Scope scope, int depth)
        {
            if (!QueryNodes.Contains(type))
                throw LakeQueryException.Refuse($"Refused: {type} is not allowed. {ReadOnlyNote}");
            var inner = scope;
            if (node.TryGetProperty("cte_map", out var ctes) && ctes.TryGetProperty("map", out var map))
            {
                // A CTE sees the ones before it, and itself only when it is recursive; the query sees them all.
                foreach (var entry in map.EnumerateArray())
                {
                    var cte = entry.GetProperty("key").GetString() ?? "";
                    if (published.SystemNames.Contains(cte) && !published.Relations.Contains(cte))
                        throw LakeQueryException.Refuse($"Refused: the CTE name {cte} is the name of a system table; choose another name.");
                    var query = entry.GetProperty("value");
                    var recursive = query.TryGetProperty("query", out var q) && q.TryGetProperty("node", out var n)
                        && n.TryGetProperty("type", out var nt) && nt.GetString() == "RECURSIVE_CTE_NODE";
                    Visit(query, recursive ? inner.With(cte) : inner, depth + 1);
                    inner = inner.With(cte);
                }
            }
            VisitChildren(node, inner, depth, "cte_map");
        }

        private void VisitTableReference(JsonElement node, string type, Scope scope, int depth)
        {
            switch (type)
            {
                case "BASE_TABLE":
                    CheckRelation(node, scope);
                    VisitChildren(node, scope, depth);
                    return;
                case "TABLE_FUNCTION":
                    var function = node.GetProperty("function");
                    var name = function.TryGetProperty("function_name", out var n) ? n.GetString() ?? "" : "";
                    if (!SqlFunctionAllowList.TableFunctions.Contains(name) || !IsDefaultSchema(function, "schema") || !IsDefaultCatalog(function, "catalog"))
                        throw LakeQueryException.Refuse(
                            $"Refused: function {Qualified(function, name)} is not allowed; in FROM a query may read the views ({Views()}) and the table functions {string.Join(", ", SqlFunctionAllowList.TableFunctions)}.");
                    VisitChildren(function, scope, depth + 1);
                    VisitChildren(node, scope, depth, "function");
                    return;
                case "SHOW_REF":
                    var show = node.TryGetProperty("show_type", out var s) ? s.GetString() : null;
                    if (show is not ("DESCRIBE" or "SUMMARY") || !node.TryGetProperty("query", out var described) || described.ValueKind != JsonValueKind.Object)
                        throw LakeQueryException.Refuse($"Refused: SHOW lists the catalog; the tables a query can read are {Views()}.");
                    VisitChildren(node, scope, depth);
                    return;
                case "SUBQUERY" or "JOIN" or "EXPRESSION_LIST" or "EMPTY":
                    VisitChildren(node, scope, depth);
                    return;
                default:
                    throw LakeQueryException.Refuse($"Refused: reading from {type} is not allowed. {ReadOnlyNote}");
            }
        }

        private void CheckRelation(JsonElement node, Scope scope)
        {
            var name = node.GetProperty("table_name").GetString() ?? "";
            var schema = node.TryGetProperty("schema_name", out var s) ? s.GetString() ?? "" : "";
            var catalog = node.TryGetProperty("catalog_name", out var c) ? c.GetString() ?? "" : "";
            if (node.TryGetProperty("at_clause", out var at) && at.ValueKind != JsonValueKind.Null)
                throw LakeQueryException.Refuse($"Refused: {name} AT (…) reads another version of a table, which the lake's views do not have.");
            var unqualified = schema.Length == 0 && catalog.Length == 0;
            if (unqualified && scope.Ctes.Contains(name))
                return;
            var isView = published.Relations.Contains(name)
                && (schema.Length == 0 || schema.Equals("main", StringComparison.OrdinalIgnoreCase))
                && (catalog.Length == 0 || catalog.Equals("memory", StringComparison.OrdinalIgnoreCase));
            if (isView)
                return;
            var shown = string.Join(".", new[] { catalog, schema, name }.Where(p => p.Length > 0));
            if (LooksLikePath(name))
                throw LakeQueryException.Refuse($"Refused: '{name}' is a file path; no files can be named in a query: read the lake through its views ({Views()}).");
            throw LakeQueryException.Refuse($"Refused: table {shown} is not allowed; a query may read the views {Views()}.");
        }

        private string Views() => published.Relations.Count == 0 ? "(none yet)" : string.Join(", ", published.Relations.Order(StringComparer.Ordinal));

        private static bool IsDefaultSchema(JsonElement node, string property) =>
            !node.TryGetProperty(property, out var v) || v.GetString() is null or "" or "main";

        private static bool IsDefaultCatalog(JsonElement node, string property) =>
            !node.TryGetProperty(property, out var v) || v.GetString() is null or "" or "system";

        private static string Qualified(JsonElement node, string name)
        {
            var schema = node.TryGetProperty("schema", out var s) ? s.GetString() : null;
            var catalog = node.TryGetProperty("catalog", out var c) ? c.GetString() : null;
            return string.Join(".", new[] { catalog, schema, name }.Where(p => !string.IsNullOrEmpty(p)));
        }

        /// <summary>DuckDB reads a quoted file name in FROM as a file (a replacement scan); view names have neither slashes nor extensions.</summary>
        private static bool LooksLikePath(string name) =>
            name.Contains('/') || name.Contains('\\') || name.Contains(':') || name.StartsWith('~') || Path.HasExtension(name);
    }
}
