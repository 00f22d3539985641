using System.Runtime.InteropServices;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// fsync of a folder, so that a rename into it survives a power loss (POSIX only; Windows' MoveFileEx with
/// write-through has no folder handle to flush, and .NET cannot open a folder as a file).
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
            return;
        var descriptor = Open(folder, ReadOnly);
        if (descriptor < 0)
            return;
        try
        {
            // Best effort: a failed folder flush leaves the rename as durable as the file system makes it anyway.
            _ = FSync(descriptor);
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
