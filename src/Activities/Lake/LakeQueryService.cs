using System.Collections;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Read-only SQL over the lake through an embedded, in-memory DuckDB: each query gets a fresh connection with the
/// views of every <see cref="ILakeQuerySource"/> (the <c>spreads</c> view first), then external access is limited to the
/// sources' folders and the configuration is locked, then <see cref="LakeQueryGuard"/> checks the SQL. Because nothing
/// opens a database file for writing, it works whether or not a server runs on the same data directory.
/// </summary>
public sealed class LakeQueryService(IEnumerable<ILakeQuerySource> sources, LakeQueryGuard guard, IOptions<LakeOptions> options)
{
    /// <summary>Runs one SELECT and returns at most <see cref="LakeOptions.MaxRows"/> rows.</summary>
    /// <exception cref="LakeQueryException">The query was refused, did not parse, failed in DuckDB or timed out.</exception>
    public Task<LakeQueryResult> QueryAsync(string sql, CancellationToken cancellationToken) =>
        Task.Run(() => Query(sql, cancellationToken), cancellationToken);

    private LakeQueryResult Query(string sql, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var readable = Prepare(connection, settings);
        guard.Check(connection, sql, readable);
        var types = DescribeTypes(connection, sql);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.QueryTimeout);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var interrupt = timeout.Token.Register(command.Cancel);
        try
        {
            using var reader = command.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount)
                .Select(i => new LakeQueryColumn(reader.GetName(i), types is not null && types.Count == reader.FieldCount ? types[i] : reader.GetDataTypeName(i)))
                .ToList();
            var rows = new List<object?[]>();
            var truncated = false;
            while (reader.Read())
            {
                if (rows.Count == settings.MaxRows)
                {
                    truncated = true;
                    break;
                }
                var row = new object?[columns.Count];
                for (var i = 0; i < row.Length; i++)
                    row[i] = reader.IsDBNull(i) ? null : Plain(reader.GetValue(i), columns[i].Type);
                rows.Add(row);
            }
            return new LakeQueryResult(columns, rows, truncated);
        }
        catch (DuckDBException e) when (timeout.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new LakeQueryException($"The query was interrupted after {settings.QueryTimeout} (Lake:QueryTimeout).", refused: false, e);
        }
        catch (DuckDBException e)
        {
            throw new LakeQueryException(e.Message, refused: false, e);
        }
    }

    /// <summary>Creates the views, then locks the connection down; returns the folders it may still read.</summary>
    private List<string> Prepare(DuckDBConnection connection, LakeOptions settings)
    {
        Execute(connection, "SET TimeZone = 'UTC'");
        if (!string.IsNullOrWhiteSpace(settings.MemoryLimit))
            Execute(connection, $"SET memory_limit = {Sql.Literal(settings.MemoryLimit)}");
        var readable = new List<string>();
        foreach (var source in sources)
        {
            foreach (var statement in source.SetupStatements())
                Execute(connection, statement);
            readable.AddRange(source.ReadableFolders.Select(Path.GetFullPath));
        }
        var folders = string.Join(", ", readable.Select(f => Sql.Literal(Path.TrimEndingDirectorySeparator(f) + "/")));
        Execute(connection, $"SET allowed_directories = [{folders}]");
        Execute(connection, "SET enable_external_access = false");
        Execute(connection, "SET lock_configuration = true");
        return readable;
    }

    /// <summary>
    /// The exact DuckDB types (e.g. <c>DECIMAL(18,8)</c>) of the query's columns; the ADO.NET reader only says <c>Decimal</c>.
    /// Null for statements DESCRIBE cannot wrap (DESCRIBE, SHOW, SUMMARIZE themselves).
    /// </summary>
    private static List<string>? DescribeTypes(DuckDBConnection connection, string sql)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DESCRIBE " + sql;
            using var reader = command.ExecuteReader();
            var types = new List<string>();
            while (reader.Read())
                types.Add(reader.GetString(reader.GetOrdinal("column_type")));
            return types;
        }
        catch (DuckDBException)
        {
            return null;
        }
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Plain(object value, string type) => value switch
    {
        DateTime t when type is "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ" or "TimestampTz" =>
            new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        DateTime t when type is "DATE" or "Date" => DateOnly.FromDateTime(t),
        string or byte[] => value,
        IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => dictionary[k] is { } v and not DBNull ? Plain(v, "") : null),
        IEnumerable list => list.Cast<object?>().Select(v => v is null or DBNull ? null : Plain(v, "")).ToList(),
        _ => value,
    };
}
