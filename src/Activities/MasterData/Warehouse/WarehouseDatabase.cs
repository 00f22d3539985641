using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Hosting;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// The embedded DuckDB file of the master data. Connections are short-lived (open, work, close) because DuckDB lets
/// only one process hold the file: the CLI can answer questions whenever the server is not in the middle of a load.
/// </summary>
public sealed class WarehouseDatabase(DataDirectory dataDirectory, IOptions<MasterDataOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public string Path { get; } = dataDirectory.File(options.Value.WarehouseFile);

    // Options of the DuckDB instance, given when the process first opens the file (DuckDB.NET shares one instance among
    // the open connections of a file). Set with SET on every open instead, they cost a property-test case a third of its
    // time: a SET of a global option waits for the statements other connections are running.
    // Row order is never relied on (every query and export orders explicitly), so DuckDB may load and aggregate unordered.
    // The memory limit makes large loads spill to disk instead of holding the whole staging in memory.
    private readonly string _connectionString = ConnectionString(dataDirectory.File(options.Value.WarehouseFile), options.Value);

    private static string ConnectionString(string path, MasterDataOptions options)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = path };
        builder["memory_limit"] = $"{options.MemoryLimitMiB}MiB";
        builder["preserve_insertion_order"] = "false";
        builder["temp_directory"] = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "tmp");
        if (options.Threads > 0) builder["threads"] = options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return builder.ConnectionString;
    }

    public bool Exists => File.Exists(Path);

    public void Dispose()
    {
        _writeGate.Dispose();
        _schemaGate.Dispose();
    }

    /// <summary>An open connection in UTC with the schema in place; dispose it as soon as the work is done.</summary>
    public async Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            await connection.DisposeAsync();
            throw new WarehouseBusyException(Path, e);
        }
        try
        {
            await connection.ExecuteAsync("SET TimeZone = 'UTC'", cancellationToken);
            if (!_schemaReady)
            {
                // Parallel loads open at once; two CREATE TABLE IF NOT EXISTS of one table conflict in DuckDB.
                await _schemaGate.WaitAsync(cancellationToken);
                try
                {
                    if (!_schemaReady)
                    {
                        await connection.ExecuteAsync(WarehouseSchema.Ddl, cancellationToken);
                        await WarehouseSchema.MigrateAsync(connection, cancellationToken);
                        _schemaReady = true;
                    }
                }
                finally
                {
                    _schemaGate.Release();
                }
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Serializes the writing phase of loads within this process: the per-source loads stage in parallel but merge
    /// one at a time, so concurrent transactions never conflict on the shared fact and bookkeeping tables.
    /// </summary>
    public async Task<IDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        return new Release(_writeGate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
