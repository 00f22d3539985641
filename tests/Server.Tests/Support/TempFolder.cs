using Microsoft.Data.Sqlite;

namespace BitsoWorkflows.Server.Tests.Support;

public static class TempFolder
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "bw-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is ending; the OS cleans temp.
        }
    }
}
