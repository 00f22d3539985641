namespace BitsoWorkflows.Engine.Hosting;

/// <summary>
/// The one folder everything the product writes lives under (<c>--data-dir</c>): workflow database,
/// staging, lake, warehouse. Components ask it for their sub-folder rather than inventing paths.
/// </summary>
public sealed class DataDirectory
{
    public DataDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A path under the root; the parent folder of the result exists.</summary>
    public string File(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>A folder under the root, created when missing.</summary>
    public string Folder(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }
}
