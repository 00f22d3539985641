namespace BitsoWorkflows.Activities.Tests;

/// <summary>
/// Finds the reference data in <c>../shared/data</c> beside the clone, as in a developer's or CI's checkout.
/// Tests that need it call <see cref="RequirePath"/>, which skips them with a reason when it is absent.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    });

    public static string? DataRoot => Root.Value;

    /// <summary>The full path of a file or folder under shared/data, or skips the test when it is not there.</summary>
    public static string RequirePath(params string[] parts)
    {
        Skip.If(Root.Value is null, "shared/data is not beside this clone; the reference data lives there, not in the repo");
        var path = Path.Combine([Root.Value!, .. parts]);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"{path} is absent from shared/data");
        return path;
    }
}
