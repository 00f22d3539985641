using System.Diagnostics;
using System.Text.Json;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>
/// <c>server.json</c> in the data dir names the URL of the server that holds it, so that CLI verbs that run work
/// (<c>trigger</c>, <c>backfill</c>) hand it to that server instead of running it beside it.
/// </summary>
public sealed record ServerLockFile(string Url, int ProcessId, DateTimeOffset StartedAt)
{
    public const string FileName = "server.json";

    public static string PathIn(DataDirectory data) => data.File(FileName);

    public void Write(DataDirectory data)
    {
        var path = PathIn(data);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The lock of a live process, or null (no file, unreadable, or its process is gone).</summary>
    public static ServerLockFile? ReadLive(DataDirectory data)
    {
        var path = PathIn(data);
        if (!File.Exists(path)) return null;
        try
        {
            var lockFile = JsonSerializer.Deserialize<ServerLockFile>(File.ReadAllText(path));
            if (lockFile is null || lockFile.ProcessId == Environment.ProcessId) return null;
            using var process = Process.GetProcessById(lockFile.ProcessId);
            return process.HasExited ? null : lockFile;
        }
        catch (Exception ex) when (ex is IOException or JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    public static void Delete(DataDirectory data, int processId)
    {
        var path = PathIn(data);
        try
        {
            if (File.Exists(path) && JsonSerializer.Deserialize<ServerLockFile>(File.ReadAllText(path))?.ProcessId == processId)
                File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            // Another server took the data dir meanwhile; leave its lock alone.
        }
    }
}
