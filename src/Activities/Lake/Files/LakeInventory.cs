using System.Globalization;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// What the lake holds, for <c>lake list [--book] [--date]</c>: partitions and their files with row counts and
/// completeness, from the Parquet footers (row groups and the <c>bitso.rows_ok</c> metadata), not the data pages.
/// </summary>
public sealed class LakeInventory(LakeLayout layout, LakeFileReader reader)
{
    /// <param name="book">Only this book's partitions, or all.</param>
    /// <param name="date">Only this date's partitions, or all.</param>
    public async Task<IReadOnlyList<LakePartition>> ListAsync(string? book, DateOnly? date, CancellationToken cancellationToken)
    {
        if (book is not null)
            LakeLayout.ValidateBook(book);
        var partitions = new List<LakePartition>();
        foreach (var bookFolder in Directory.EnumerateDirectories(layout.SpreadsRoot, "book=*").Order(StringComparer.Ordinal))
        {
            var bookName = Path.GetFileName(bookFolder)["book=".Length..];
            if (book is not null && bookName != book)
                continue;
            foreach (var dateFolder in Directory.EnumerateDirectories(bookFolder, "date=*").Order(StringComparer.Ordinal))
            {
                if (!DateOnly.TryParseExact(Path.GetFileName(dateFolder)["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var partitionDate)
                    || (date is not null && partitionDate != date))
                    continue;
                var files = new List<LakeFileEntry>();
                foreach (var path in Directory.EnumerateFiles(dateFolder).Order(StringComparer.Ordinal))
                {
                    if (LakeLayout.TryParseFileName(path, out var fileBook, out var window, out var format) && fileBook == bookName)
                        files.Add(await DescribeAsync(path, fileBook, partitionDate, window, format, cancellationToken));
                }
                if (files.Count > 0)
                    partitions.Add(new LakePartition(bookName, partitionDate, files.OrderBy(f => f.WindowStart).ToList()));
            }
        }
        return partitions;
    }

    /// <summary>One row per partition (book, date, files, rows, rows_ok, completeness), for the query formatter.</summary>
    public static LakeQueryResult PartitionsAsResult(IReadOnlyList<LakePartition> partitions) => new(
        [new("book", "VARCHAR"), new("date", "DATE"), new("files", "BIGINT"), new("rows", "BIGINT"), new("rows_ok", "BIGINT"), new("completeness", "DECIMAL(5,4)")],
        partitions.Select(p => new object?[] { p.Book, p.Date, (long)p.Files.Count, p.Rows, p.RowsOk, Math.Round((decimal)p.Completeness, 4) }).ToList(),
        false);

    /// <summary>One row per file (book, date, window_start, path, rows, rows_ok, completeness, bytes, problem), for the query formatter.</summary>
    public static LakeQueryResult FilesAsResult(IReadOnlyList<LakePartition> partitions) => new(
        [new("book", "VARCHAR"), new("date", "DATE"), new("window_start", "TIMESTAMP WITH TIME ZONE"), new("path", "VARCHAR"), new("rows", "BIGINT"), new("rows_ok", "BIGINT"), new("completeness", "DECIMAL(5,4)"), new("bytes", "BIGINT"), new("problem", "VARCHAR")],
        partitions.SelectMany(p => p.Files).Select(f => new object?[] { f.Book, f.Date, f.WindowStart, f.Path, f.Rows, f.RowsOk, Math.Round((decimal)f.Completeness, 4), f.SizeBytes, f.Problem }).ToList(),
        false);

    private async Task<LakeFileEntry> DescribeAsync(string path, string book, DateOnly date, SpreadWindow window, LakeFileFormat format, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        try
        {
            var (rows, rowsOk) = await reader.ReadCountsAsync(path, cancellationToken);
            return new LakeFileEntry(book, date, window.Start, format, layout.Relative(path), size, rows, rowsOk, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new LakeFileEntry(book, date, window.Start, format, layout.Relative(path), size, 0, 0, e.Message);
        }
    }
}
