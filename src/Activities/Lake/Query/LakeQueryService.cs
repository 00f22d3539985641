using System.Collections;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Read-only SQL over the lake through an embedded, in-memory DuckDB holding the views of every
/// <see cref="ILakeQuerySource"/> (the <c>spreads</c> view first), with external access limited to the sources' folders
/// and the configuration locked; <see cref="LakeQueryGuard"/> checks each query's SQL. The database lives as long as the
/// service and is rebuilt when the sources' views change (a first file, a new warehouse table), so DuckDB's object cache
/// keeps the Parquet footers of thousands of lake files between queries. Because nothing opens a database file for
/// writing, it works whether or not a server runs on the same data directory. Each query holds one of
/// <see cref="LakeOptions.MaxConcurrentQueries"/> slots, runs on <see cref="LakeOptions.Threads"/> DuckDB threads, and is
/// bounded in time, memory, rows and bytes (<see cref="LakeOptions"/>).
/// </summary>
public sealed class LakeQueryService(IEnumerable<ILakeQuerySource> sources, LakeQueryGuard guard, IOptions<LakeOptions> options) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentQueries, options.Value.MaxConcurrentQueries);
    private readonly QueryMemoryWatchdog _watchdog = new(MemoryBudget(options.Value), TimeSpan.FromMilliseconds(25));
    private SharedDatabase? _current;

    /// <summary>Runs one SELECT and returns at most <see cref="LakeOptions.MaxRows"/> rows and <see cref="LakeOptions.MaxResultBytes"/> bytes.</summary>
    /// <exception cref="LakeQueryException">The query was refused, did not parse, failed in DuckDB, hit a limit, or found no free slot.</exception>
    public async Task<LakeQueryResult> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await QueryInSlotAsync(sql, cancellationToken);
            Diagnostics.ActivitiesMetrics.Queried("ok", System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (LakeQueryException e)
        {
            Diagnostics.ActivitiesMetrics.Queried(Diagnostics.ActivitiesMetrics.Label(e.Failure), System.Diagnostics.Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private async Task<LakeQueryResult> QueryInSlotAsync(string sql, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!await _slots.WaitAsync(settings.QueueTimeout, cancellationToken))
            throw new LakeQueryException(
                $"{settings.MaxConcurrentQueries} queries are running (Lake:MaxConcurrentQueries); try again in a moment.", LakeQueryFailure.Busy)
            { RetryAfter = TimeSpan.FromSeconds(1) };
        try
        {
            return await QueryThread.RunAsync(() => Query(sql, settings, cancellationToken), settings.Nice);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Retire();
            _current = null;
        }
        _watchdog.Dispose();
    }

    /// <summary>The process growth past which running queries are interrupted: half as much again as DuckDB's own limit, whose buffers it includes.</summary>
    private static long MemoryBudget(LakeOptions settings) => MemorySize.Parse(settings.MemoryLimit) * 3 / 2;

    private LakeQueryResult Query(string sql, LakeOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.QueryTimeout);
        SharedDatabase database;
        try
        {
            database = Acquire(settings);
        }
        catch (Exception e) when (e is not LakeQueryException)
        {
            // The lake's folders unreadable, say: the query cannot run, and the answer says why rather than a 500.
            throw new LakeQueryException($"The lake's views could not be set up: {e.Message}", LakeQueryFailure.Failed, e);
        }
        try
        {
            using var connection = database.Connect();
            using var interruptor = connection.CreateCommand();
            using var interrupter = new QueryInterrupter(interruptor.Cancel);
            using var interrupt = timeout.Token.Register(interrupter.Start);
            using var watch = _watchdog.Watch(interrupter.Start);
            try
            {
                guard.Check(connection, sql, database.Scope);
                timeout.Token.ThrowIfCancellationRequested();
                return Run(connection, sql, settings, timeout.Token);
            }
            catch (Exception e) when (e is DuckDBException or OperationCanceledException or LakeQueryException { Failure: LakeQueryFailure.Invalid or LakeQueryFailure.Failed })
            {
                if (QueryMemoryWatchdog.Tripped(watch))
                    throw new LakeQueryException($"The query was interrupted: it needed more memory than Lake:MemoryLimit ({settings.MemoryLimit}) allows.", LakeQueryFailure.OutOfMemory, e);
                if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    throw new LakeQueryException($"The query was interrupted after {settings.QueryTimeout} (Lake:QueryTimeout).", LakeQueryFailure.TimedOut, e);
                if (e is DuckDBException duck)
                    throw Failed(duck, settings);
                throw;
            }
            catch (Exception e) when (e is not LakeQueryException and not OperationCanceledException)
            {
                // A value the reader cannot convert, say: still the query's failure, never the server's.
                throw new LakeQueryException($"The query failed: {e.Message}", LakeQueryFailure.Failed, e);
            }
        }
        finally
        {
            database.Release();
        }
    }

    private static LakeQueryException Failed(DuckDBException e, LakeOptions settings)
    {
        if (e.Message.Contains("Out of Memory", StringComparison.OrdinalIgnoreCase))
            return new LakeQueryException($"The query needs more memory than Lake:MemoryLimit ({settings.MemoryLimit}) allows: {e.Message}", LakeQueryFailure.OutOfMemory, e);
        var invalid = e.Message.StartsWith("Parser Error", StringComparison.Ordinal) || e.Message.StartsWith("Binder Error", StringComparison.Ordinal)
            || e.Message.StartsWith("Catalog Error", StringComparison.Ordinal);
        return new LakeQueryException(e.Message, invalid ? LakeQueryFailure.Invalid : LakeQueryFailure.Failed, e);
    }

    private static LakeQueryResult Run(DuckDBConnection connection, string sql, LakeOptions settings, CancellationToken cancellationToken)
    {
        // Streaming: DuckDB makes rows as they are read, so a result cut at the limit is never made whole.
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true;
        using var reader = command.ExecuteReader();
        var schema = reader.GetSchemaTable();
        var columns = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new LakeQueryColumn(reader.GetName(i), TypeName(reader.GetDataTypeName(i), schema?.Rows[i])))
            .ToList();
        if (columns.Any(c => c.Type == "DECIMAL") && DescribeTypes(connection, sql) is { } described && described.Count == columns.Count)
            columns = columns.Select((c, i) => c with { Type = described[i] }).ToList();
        var rows = new List<object?[]>();
        long bytes = 0;
        string? cutBy = null;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rows.Count == settings.MaxRows)
            {
                cutBy = "Lake:MaxRows";
                break;
            }
            var row = new object?[columns.Count];
            var rowBytes = 0L;
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Plain(reader.GetValue(i), columns[i].Type);
                rowBytes += ResultSize.Of(row[i]);
            }
            if (bytes + rowBytes > settings.MaxResultBytes)
            {
                cutBy = "Lake:MaxResultBytes";
                break;
            }
            bytes += rowBytes;
            rows.Add(row);
        }
        return new LakeQueryResult(columns, rows, cutBy is not null) { TruncatedBy = cutBy };
    }

    /// <summary>The shared database for the sources' current views, built anew when they changed; the caller must release it.</summary>
    private SharedDatabase Acquire(LakeOptions settings)
    {
        var setup = sources.Select(s => (Source: s, Statements: s.SetupStatements(), Folders: s.ReadableFolders.Select(Path.GetFullPath).ToList())).ToList();
        var fingerprint = string.Join("\n", setup.SelectMany(s => s.Statements.Concat(s.Folders))) + "\n" + settings.MemoryLimit + "\n" + settings.Threads;
        lock (_gate)
        {
            if (_current is null || _current.Fingerprint != fingerprint)
            {
                var created = Create(setup, settings, fingerprint);
                _current?.Retire();
                _current = created;
            }
            _current.Acquire();
            return _current;
        }
    }

    /// <summary>
    /// Creates the views, then locks the database down: after this it may read the sources' folders and nothing else,
    /// loads no extension, and keeps its settings. The guard is the first line of defence; this is the second.
    /// </summary>
    private static SharedDatabase Create(List<(ILakeQuerySource Source, IReadOnlyList<string> Statements, List<string> Folders)> setup, LakeOptions settings, string fingerprint)
    {
        var root = new DuckDBConnection("DataSource=:memory:");
        try
        {
            root.Open();
            Execute(root, "SET GLOBAL TimeZone = 'UTC'");
            Execute(root, "SET enable_object_cache = true");
            Execute(root, $"SET memory_limit = {Sql.Literal(settings.MemoryLimit)}");
            Execute(root, $"SET threads = {settings.Threads}");
            Execute(root, $"SET temp_directory = {Sql.Literal(SpillFolder())}");
            Execute(root, "SET max_expression_depth = 250");
            Execute(root, "SET autoinstall_known_extensions = false");
            Execute(root, "SET autoload_known_extensions = false");
            var readable = new List<string>();
            foreach (var (source, statements, folders) in setup)
            {
                foreach (var statement in statements)
                {
                    try
                    {
                        Execute(root, statement);
                    }
                    catch (DuckDBException e)
                    {
                        throw new LakeQueryException($"The query source {source.GetType().Name} could not be set up ({statement}): {e.Message}", LakeQueryFailure.Failed, e);
                    }
                }
                readable.AddRange(folders);
            }
            var scope = new LakeQueryScope(
                Names(root, "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = 'memory'"),
                Names(root, "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() WHERE internal OR database_name <> 'memory'"));
            var allowed = string.Join(", ", readable.Select(f => Sql.Literal(Path.TrimEndingDirectorySeparator(f) + "/")));
            Execute(root, $"SET allowed_directories = [{allowed}]");
            Execute(root, "SET enable_external_access = false");
            Execute(root, "SET lock_configuration = true");
            return new SharedDatabase(root, fingerprint, scope);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>Where DuckDB spills query work past its memory limit: a folder of this process under the system's temporary folder, outside the data dir.</summary>
    private static string SpillFolder() => Path.Combine(Path.GetTempPath(), $"bitsoworkflows-query-{Environment.ProcessId}");

    private static HashSet<string> Names(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
            names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>An in-memory DuckDB kept open by its first connection; queries use duplicates of it, and it closes once retired and unused.</summary>
    private sealed class SharedDatabase(DuckDBConnection root, string fingerprint, LakeQueryScope scope)
    {
        private readonly Lock _gate = new();
        private int _users;
        private bool _retired;

        public string Fingerprint { get; } = fingerprint;

        public LakeQueryScope Scope { get; } = scope;

        public DuckDBConnection Connect()
        {
            DuckDBConnection connection;
            lock (_gate) connection = root.Duplicate();
            if (connection.State != System.Data.ConnectionState.Open) connection.Open();
            return connection;
        }

        public void Acquire()
        {
            lock (_gate) _users++;
        }

        public void Release()
        {
            lock (_gate)
            {
                if (--_users == 0 && _retired) root.Dispose();
            }
        }

        public void Retire()
        {
            lock (_gate)
            {
                _retired = true;
                if (_users == 0) root.Dispose();
            }
        }
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
