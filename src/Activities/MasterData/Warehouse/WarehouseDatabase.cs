using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Engine.Hosting;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>
/// The embedded DuckDB file of the master data. Connections are short-lived (open, work, close) because DuckDB lets
/// only one process hold the file: the CLI can answer questions whenever the server is not in the middle of a run. The
/// instance itself stays open for <see cref="MasterDataOptions.KeepOpen"/> after the last open (a connection of its own
/// holds it), so the activities of one run share it; another process waits that long for the file.
/// </summary>
public sealed class WarehouseDatabase(DataDirectory dataDirectory, IOptions<MasterDataOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;
    private readonly Lock _keeperLock = new();
    private DuckDBConnection? _keeper;
    private Timer? _release;
    private bool _disposed;

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
        lock (_keeperLock)
        {
            _disposed = true;
            _release?.Dispose();
        }
        ReleaseKeeper();
        _writeGate.Dispose();
        _schemaGate.Dispose();
    }

    /// <summary>An open connection in UTC with the schema in place; dispose it as soon as the work is done.</summary>
    public async Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenFileAsync(cancellationToken);
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
            KeepOpen();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection to the file; while another process holds it (DuckDB: one process per file), tries again for
    /// <see cref="MasterDataOptions.KeepOpen"/> and a second (the time that process keeps it after it last opened it), then
    /// reports it busy.
    /// </summary>
    private async Task<DuckDBConnection> OpenFileAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.Value.KeepOpen + TimeSpan.FromSeconds(1);
        while (true)
        {
            var connection = new DuckDBConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
            {
                await connection.DisposeAsync();
                if (DateTime.UtcNow >= deadline) throw new WarehouseBusyException(Path, e);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Holds the instance open (a connection of its own) until <see cref="MasterDataOptions.KeepOpen"/> after now.</summary>
    private void KeepOpen()
    {
        var keepOpen = options.Value.KeepOpen;
        if (keepOpen <= TimeSpan.Zero) return;
        lock (_keeperLock)
        {
            if (_disposed) return;
            if (_keeper is null)
            {
                // The caller's connection holds the instance open, so this only adds a reference to it.
                var keeper = new DuckDBConnection(_connectionString);
                try
                {
                    keeper.Open();
                }
                catch (DuckDBException)
                {
                    keeper.Dispose();
                    return;
                }
                _keeper = keeper;
            }
            _release ??= new Timer(_ => ReleaseKeeper());
            _release.Change(keepOpen, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Closes the connection that held the instance; the last connection's close checkpoints and closes the file.</summary>
    private void ReleaseKeeper()
    {
        DuckDBConnection? keeper;
        lock (_keeperLock) (keeper, _keeper) = (_keeper, null);
        try
        {
            keeper?.Dispose();
        }
        catch (Exception e) when (e is DuckDBException or IOException or InvalidOperationException)
        {
            // Closing failed (the data dir removed under it, as tests do): nothing is left to keep open.
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
