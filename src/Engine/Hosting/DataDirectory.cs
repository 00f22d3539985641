namespace BitsoWorkflows.Engine.Hosting;

/// <summary>
/// The one folder everything the product writes lives under (<c>--data-dir</c>): workflow database,
/// staging, lake, warehouse. Components ask it for their sub-folder rather than inventing paths. It holds market data,
/// run records and keys, so on Unix it is made readable by its owner only (0700), and its databases 0600.
/// </summary>
public sealed class DataDirectory
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public DataDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Root);
            return;
        }
        Directory.CreateDirectory(Root, OwnerOnlyFolder);
        // A data dir made by an earlier version (0755) is tightened too.
        if ((System.IO.File.GetUnixFileMode(Root) & ~OwnerOnlyFolder) != 0) System.IO.File.SetUnixFileMode(Root, OwnerOnlyFolder);
    }

    public string Root { get; }

    /// <summary>A path under the root; the parent folder of the result exists.</summary>
    public string File(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// A path under the root for a database file that only its owner may read: created empty with mode 0600 when
    /// missing (SQLite gives its -wal and -shm files the database's mode), tightened to 0600 when it exists.
    /// </summary>
    public string PrivateFile(params string[] parts)
    {
        var path = File(parts);
        EnsurePrivateFile(path);
        return path;
    }

    /// <summary>Creates <paramref name="path"/> empty with mode 0600 when missing, or sets an existing file to 0600 (Unix only).</summary>
    public static void EnsurePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!System.IO.File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            try
            {
                using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
            }
            catch (IOException) when (System.IO.File.Exists(path))
            {
                // Another process made it first; tightened below.
            }
        }
        if ((System.IO.File.GetUnixFileMode(path) & ~OwnerOnlyFile) != 0) System.IO.File.SetUnixFileMode(path, OwnerOnlyFile);
    }

    /// <summary>A folder under the root, created when missing.</summary>
    public string Folder(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }
}
