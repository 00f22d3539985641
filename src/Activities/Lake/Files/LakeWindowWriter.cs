using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Puts a window file in the lake safely: encode to a temporary file beside the target, flush it to disk, rename it
/// over the target (atomic on one file system), flush the folder. Readers see the old file or the new one, never half.
/// </summary>
public sealed class LakeWindowWriter(LakeLayout layout, TimeProvider time)
{
    /// <summary>Temporary files older than this are leftovers of a crashed writer and are removed.</summary>
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(10);

    /// <summary>Writes the file and returns its full path once it is durably in place.</summary>
    /// <exception cref="InvalidDataException">The rows break the 600-rows-one-per-second invariant.</exception>
    public async Task<string> WriteAsync(LakeWindowFile file, LakeFileFormat format, CancellationToken cancellationToken)
    {
        file.Validate();
        var path = layout.FilePath(file.Book, file.Window, format);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        RemoveLeftovers(folder, Path.GetFileName(path));

        // Hidden and ending in .tmp, so the lake's *.parquet globs never see a half-written file.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                if (format == LakeFileFormat.Csv)
                    await CsvSpreadCodec.EncodeAsync(file, stream, cancellationToken);
                else
                    await ParquetSpreadCodec.EncodeAsync(file, stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            CrashPoint.Reach(CrashPoint.LakeFileWritten);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        DirectorySync.Flush(folder);
        Diagnostics.ActivitiesMetrics.LakeFileWritten(format.ToString().ToLowerInvariant(), file.RowsOk, file.Rows.Count);
        return path;
    }

    /// <summary>Removes a file of the lake (e.g. the other format's file of a window) and flushes its folder.</summary>
    public void Delete(string path)
    {
        if (!File.Exists(path))
            return;
        File.Delete(path);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }

    private void RemoveLeftovers(string folder, string fileName)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var leftover in Directory.EnumerateFiles(folder, $".{fileName}.*.tmp"))
        {
            // A younger temporary file may belong to a concurrent run of the same window; leave it alone.
            if (now - File.GetLastWriteTimeUtc(leftover) > LeftoverAge)
                TryDelete(leftover);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next writer of this window, which removes leftovers.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
