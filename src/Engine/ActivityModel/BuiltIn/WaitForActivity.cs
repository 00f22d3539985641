using System.Text.RegularExpressions;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Engine.ActivityModel.BuiltIn;

/// <summary>
/// A sensor on files under the data directory: ready when at least <c>minCount</c> files match <c>path</c>. The path
/// is relative, its folders plain names (letters, digits, <c>_ - . =</c>), and only its last part may hold <c>*</c> or
/// <c>?</c>: a poke lists one folder, and no path can leave the data directory.
/// </summary>
[Activity("WaitFor", Category = "Sensors", Description = "Waits until at least minCount files under the data directory match path (e.g. lake/spreads/book=btc_mxn/date=2026-11-28/*.parquet).")]
public sealed partial class WaitForActivity(DataDirectory dataDirectory) : Sensor<WaitForInput, WaitForOutput>
{
    public override Task<SensorPoke<WaitForOutput>> PokeAsync(ActivityContext<WaitForInput> context, CancellationToken cancellationToken)
    {
        var (folder, pattern) = Split(context.Input.Path);
        if (context.Input.MinCount < 1)
            throw new ArgumentException($"minCount must be at least 1 (it is {context.Input.MinCount})");
        var directory = Path.Combine([dataDirectory.Root, .. folder]);
        var files = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, pattern, new EnumerationOptions { MatchCasing = MatchCasing.CaseSensitive, MatchType = MatchType.Simple })
                .Select(Path.GetFileName).Where(n => !n!.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : [];
        return Task.FromResult(files.Count >= context.Input.MinCount
            ? Ready(new WaitForOutput { Count = files.Count, Last = files.Count > 0 ? string.Join('/', [.. folder, files[^1]!]) : null })
            : NotYet($"{files.Count} of {context.Input.MinCount} file(s) match {context.Input.Path}"));
    }

    /// <summary>The folder's parts and the file pattern; refuses anything that is not a plain relative path.</summary>
    /// <exception cref="ArgumentException">The path is absolute, climbs out, or has a wildcard or an odd character in a folder.</exception>
    public static (string[] Folder, string Pattern) Split(string path)
    {
        var parts = path.Split('/');
        if (path.Length == 0 || path.Length > 400 || parts.Any(p => p.Length == 0))
            throw new ArgumentException($"path '{path}' must be a relative path under the data directory, folders separated by '/', e.g. lake/spreads/book=btc_mxn/date=2026-11-28/*.parquet");
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (parts[i] is "." or ".." || !(last ? PatternPart() : FolderPart()).IsMatch(parts[i]))
                throw new ArgumentException($"path '{path}': part {i + 1} '{parts[i]}' is not allowed ({(last ? "letters, digits, _ - . = and the wildcards * ?" : "folders are plain names: letters, digits, _ - . =")})");
        }
        return (parts[..^1], parts[^1]);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.=-]+\z")]
    private static partial Regex FolderPart();

    [GeneratedRegex(@"^[A-Za-z0-9_.=*?-]+\z")]
    private static partial Regex PatternPart();
}

public sealed class WaitForInput
{
    [Input(Description = "Files to wait for, relative to the data directory; * and ? in the last part only.", Required = true)]
    public string Path { get; init; } = "";

    [Input(Description = "How many matching files make it ready.")]
    public int MinCount { get; init; } = 1;
}

public sealed class WaitForOutput
{
    [Output(Description = "How many files matched when it became ready.")]
    public int Count { get; init; }

    [Output(Description = "The last matching file in name order, relative to the data directory.")]
    public string? Last { get; init; }
}
