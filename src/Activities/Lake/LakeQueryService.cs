using System.Collections;
using System.Globalization;
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

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.QueryTimeout);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var interrupt = timeout.Token.Register(command.Cancel);
        try
        {
            using var reader = command.ExecuteReader();
            var schema = reader.GetSchemaTable();
            var columns = Enumerable.Range(0, reader.FieldCount)
                .Select(i => new LakeQueryColumn(reader.GetName(i), TypeName(reader.GetDataTypeName(i), schema?.Rows[i])))
                .ToList();
            if (columns.Any(c => c.Type == "DECIMAL") && DescribeTypes(connection, sql) is { } described && described.Count == columns.Count)
                columns = columns.Select((c, i) => c with { Type = described[i] }).ToList();
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
        catch (Exception e) when (e is DuckDBException or OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
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
            {
                try
                {
                    Execute(connection, statement);
                }
                catch (DuckDBException e)
                {
                    throw new LakeQueryException($"The query source {source.GetType().Name} could not be set up ({statement}): {e.Message}", refused: false, e);
                }
            }
            readable.AddRange(source.ReadableFolders.Select(Path.GetFullPath));
        }
        var folders = string.Join(", ", readable.Select(f => Sql.Literal(Path.TrimEndingDirectorySeparator(f) + "/")));
        Execute(connection, $"SET allowed_directories = [{folders}]");
        Execute(connection, "SET enable_external_access = false");
        Execute(connection, "SET lock_configuration = true");
        return readable;
    }

    /// <summary>DuckDB's SQL name of a column type; the ADO.NET reader names the type family and gives precision and scale apart.</summary>
    private static string TypeName(string family, System.Data.DataRow? schema) => family switch
    {
        "Decimal" when schema?["NumericPrecision"] is int or short or byte && Convert.ToInt32(schema["NumericPrecision"], CultureInfo.InvariantCulture) > 0 =>
            $"DECIMAL({Convert.ToInt32(schema["NumericPrecision"], CultureInfo.InvariantCulture)},{Convert.ToInt32(schema["NumericScale"], CultureInfo.InvariantCulture)})",
        "TimestampTz" => "TIMESTAMP WITH TIME ZONE",
        "Varchar" => "VARCHAR",
        "HugeInt" => "HUGEINT",
        "UnsignedHugeInt" => "UHUGEINT",
        "BigInt" => "BIGINT",
        "UnsignedBigInt" => "UBIGINT",
        "SmallInt" => "SMALLINT",
        "TinyInt" => "TINYINT",
        _ => family.ToUpperInvariant(),
    };

    /// <summary>
    /// The exact types by DESCRIBE, which binds the query a second time: only for an empty result, where the reader
    /// knows no decimal precision. Null for statements DESCRIBE cannot wrap (DESCRIBE, SHOW, SUMMARIZE themselves).
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
        DateTime t when type == "TIMESTAMP WITH TIME ZONE" =>
            new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        DateTime t when type == "DATE" => DateOnly.FromDateTime(t),
        string or byte[] => value,
        IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => dictionary[k] is { } v and not DBNull ? Plain(v, "") : null),
        IEnumerable list => list.Cast<object?>().Select(v => v is null or DBNull ? null : Plain(v, "")).ToList(),
        _ => value,
    };
}
