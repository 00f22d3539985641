using System.Globalization;
using System.Text.RegularExpressions;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>Sizes written as DuckDB writes them: <c>512MB</c>, <c>2GB</c>, <c>1.5GiB</c> (KB = 1000 bytes, KiB = 1024).</summary>
public static partial class MemorySize
{
    public static bool IsValid(string text) => Pattern().IsMatch(text);

    /// <exception cref="FormatException">Not a size.</exception>
    public static long Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success)
            throw new FormatException($"'{text}' is not a size such as 512MB or 2GB.");
        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups[3].Value.ToUpperInvariant() switch
        {
            "B" => 1d,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" => 1024d,
            "MIB" => 1024d * 1024,
            "GIB" => 1024d * 1024 * 1024,
            _ => 1024d * 1024 * 1024 * 1024,
        };
        return (long)(number * unit);
    }

    [GeneratedRegex(@"^\s*(\d+(\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
