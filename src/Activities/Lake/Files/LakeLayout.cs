using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Where the lake's files live under the data directory:
/// <c>lake/spreads/book=&lt;book&gt;/date=&lt;yyyy-MM-dd&gt;/&lt;book&gt;_&lt;yyyyMMddTHHmm&gt;Z.parquet</c>.
/// </summary>
public sealed partial class LakeLayout(DataDirectory dataDirectory)
{
    public const string ParquetExtension = ".parquet";

    public const string CsvExtension = ".csv";

    /// <summary>The lake's root folder (created when missing).</summary>
    public string Root => dataDirectory.Folder("lake");

    /// <summary>The folder of the spreads dataset (created when missing).</summary>
    public string SpreadsRoot => dataDirectory.Folder("lake", "spreads");

    /// <summary>The file of one book's window in the given format.</summary>
    public string FilePath(string book, SpreadWindow window, LakeFileFormat format)
    {
        ValidateBook(book);
        return Path.Combine(SpreadsRoot, $"book={book}", $"date={window.DatePartition}", FileName(book, window, format));
    }

    public static string FileName(string book, SpreadWindow window, LakeFileFormat format) =>
        $"{book}_{window.Stamp}Z{Extension(format)}";

    public static string Extension(LakeFileFormat format) => format == LakeFileFormat.Csv ? CsvExtension : ParquetExtension;

    /// <summary>A path relative to the data directory with forward slashes, as shown to users.</summary>
    public string Relative(string path) => Path.GetRelativePath(dataDirectory.Root, path).Replace('\\', '/');

    /// <summary>Book names become folder names, so only lower-case letters, digits and underscores are accepted.</summary>
    /// <exception cref="ArgumentException">The name could escape its folder or is not a Bitso book name.</exception>
    public static void ValidateBook(string book)
    {
        if (!IsValidBook(book))
            throw new ArgumentException($"Book '{book}' is not a valid book name (lower-case letters, digits and '_', e.g. btc_mxn, at most 40 characters).", nameof(book));
    }

    public static bool IsValidBook([NotNullWhen(true)] string? book) => book is { Length: > 0 and <= 40 } && BookPattern().IsMatch(book);

    /// <summary>Reads book, window and format back from a lake file name; false for anything else (temporary files included).</summary>
    public static bool TryParseFileName(string path, out string book, out SpreadWindow window, out LakeFileFormat format)
    {
        book = "";
        window = default;
        format = LakeFileFormat.Parquet;
        var match = FileNamePattern().Match(Path.GetFileName(path));
        if (!match.Success
            || !DateTime.TryParseExact(match.Groups["stamp"].Value, "yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start)
            || start.Minute % 10 != 0)
            return false;
        book = match.Groups["book"].Value;
        window = new SpreadWindow(new DateTimeOffset(start, TimeSpan.Zero));
        format = match.Groups["ext"].Value == "csv" ? LakeFileFormat.Csv : LakeFileFormat.Parquet;
        return true;
    }

    [GeneratedRegex(@"^[a-z0-9]+(_[a-z0-9]+)*\z")]
    private static partial Regex BookPattern();

    [GeneratedRegex(@"^(?<book>[a-z0-9]+(_[a-z0-9]+)*)_(?<stamp>\d{8}T\d{4})Z\.(?<ext>parquet|csv)\z")]
    private static partial Regex FileNamePattern();
}
