using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// Lets a SQLite store migrate after a process died while migrating it. EF Core's SQLite migrator locks with a row in
/// <c>__EFMigrationsLock</c>, taken at every start (also when nothing is pending) and deleted at the end; a process
/// killed in between leaves the row behind, and every later start waits on it for ever. Migrators on this host (the
/// server and the CLI) first take an operating-system lock on <c>&lt;store&gt;.migrating</c>, which the kernel releases
/// when its holder dies; whoever holds it knows that no other migrator is running, so a row still there is abandoned
/// and is removed.
/// </summary>
internal static class SqliteMigrationGuard
{
    private const string LockTable = "__EFMigrationsLock";

    /// <summary>Takes the host-wide migration lock of this store (waiting while another process holds it); null for an in-memory store.</summary>
    public static async Task<IDisposable?> AcquireAsync(DbContext db, CancellationToken cancellationToken)
    {
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:") return null;
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        while (true)
        {
            try
            {
                return new FileStream(Path.GetFullPath(file) + ".migrating", options);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // Held by a migrator of another process; EF Core's own lock would make us wait for it as well.
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Deletes a lock row left by a dead migrator; true when there was one. Call only while holding <see cref="AcquireAsync"/>'s lock.</summary>
    public static async Task<bool> ClearAbandonedLockAsync(DbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{LockTable}'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0) return false;
            await using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM \"{LockTable}\"";
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
