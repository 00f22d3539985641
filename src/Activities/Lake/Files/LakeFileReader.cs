using System.Globalization;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>Reads a window file of the lake back (either format), e.g. to merge late observations into it.</summary>
public sealed class LakeFileReader
{
    /// <summary>The file's content; book and window come from its name, workflow id and version from its metadata (Parquet only).</summary>
    /// <exception cref="InvalidDataException">The file is not a spreads file of this lake.</exception>
    public async Task<LakeWindowFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!LakeLayout.TryParseFileName(path, out var book, out var window, out var format))
            throw new InvalidDataException($"{path} is not named like a lake window file (<book>_<yyyyMMddTHHmm>Z.parquet|csv).");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        try
        {
            if (format == LakeFileFormat.Csv)
                return new LakeWindowFile(book, window, await CsvSpreadCodec.DecodeAsync(stream, cancellationToken), null, null);
            var (rows, metadata) = await ParquetSpreadCodec.DecodeAsync(stream, cancellationToken);
            return new LakeWindowFile(
                book,
                window,
                rows,
                metadata.GetValueOrDefault(SpreadFileSchema.WorkflowIdKey),
                int.TryParse(metadata.GetValueOrDefault(SpreadFileSchema.WorkflowVersionKey), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null);
        }
        catch (Exception e) when (e is not (InvalidDataException or OperationCanceledException))
        {
            throw new InvalidDataException($"{path} cannot be read as a spreads file: {e.Message}", e);
        }
    }

    /// <summary>
    /// How many rows the file has and how many of them are ok: for Parquet from the footer (row groups and the
    /// <c>bitso.rows_ok</c> metadata) without the data pages; a CSV file has no footer and is read whole (600 short lines).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a spreads file of this lake.</exception>
    public async Task<(long Rows, long RowsOk)> ReadCountsAsync(string path, CancellationToken cancellationToken)
    {
        if (!LakeLayout.TryParseFileName(path, out _, out _, out var format))
            throw new InvalidDataException($"{path} is not named like a lake window file (<book>_<yyyyMMddTHHmm>Z.parquet|csv).");
        if (format == LakeFileFormat.Csv)
        {
            var file = await ReadAsync(path, cancellationToken);
            return (file.Rows.Count, file.RowsOk);
        }
        try
        {
            var (rows, rowsOk, _) = await ParquetSpreadCodec.ReadSummaryAsync(path, cancellationToken);
            return (rows, rowsOk);
        }
        catch (Exception e) when (e is not (InvalidDataException or OperationCanceledException))
        {
            throw new InvalidDataException($"{path} cannot be read as a spreads file: {e.Message}", e);
        }
    }
}
