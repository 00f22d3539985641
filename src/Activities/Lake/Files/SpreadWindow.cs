using System.Globalization;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// One 10-minute window [Start, Start + 10 min) of the lake: the unit of one file per book.
/// Its date partition is the start's UTC date, also for the window that ends at midnight.
/// </summary>
public readonly record struct SpreadWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(10);

    /// <summary>Seconds in a window, hence rows in a window's file.</summary>
    public const int Seconds = 600;

    public SpreadWindow(DateTimeOffset start)
    {
        if (start.Offset != TimeSpan.Zero)
            start = start.ToUniversalTime();
        if (start.UtcTicks % Length.Ticks != 0)
            throw new ArgumentException($"A lake window starts on a 10-minute boundary (UTC); {start:yyyy-MM-ddTHH:mm:ss.fffffffZ} does not.", nameof(start));
        Start = start;
    }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End => Start + Length;

    public DataInterval Interval => new(Start, End);

    /// <summary>The <c>date=</c> partition value, <c>yyyy-MM-dd</c>.</summary>
    public string DatePartition => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The stamp in file names, <c>yyyyMMddTHHmm</c> (UTC, followed by <c>Z</c>).</summary>
    public string Stamp => Start.ToString("yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture);

    /// <summary>The window an instant falls in.</summary>
    public static SpreadWindow Containing(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new SpreadWindow(new DateTimeOffset(utc.UtcTicks - utc.UtcTicks % Length.Ticks, TimeSpan.Zero));
    }

    /// <summary>
    /// The windows a data interval covers, in order. The interval must start and end on 10-minute boundaries
    /// (a longer aligned interval, e.g. an hourly backfill, is compacted window by window).
    /// </summary>
    /// <exception cref="ArgumentException">The interval is empty or not aligned to 10-minute windows.</exception>
    public static IReadOnlyList<SpreadWindow> Cover(DataInterval interval)
    {
        var start = interval.Start.ToUniversalTime();
        var end = interval.End.ToUniversalTime();
        if (end <= start)
            throw new ArgumentException($"Data interval {interval} is empty; the lake compaction needs a window of at least 10 minutes.", nameof(interval));
        if (start.UtcTicks % Length.Ticks != 0 || end.UtcTicks % Length.Ticks != 0)
            throw new ArgumentException(
                $"Data interval {interval} is not aligned to 10-minute windows; the lake compaction needs a start and end on a 10-minute boundary (a trigger such as cron \"0 0/10 * * * ?\").",
                nameof(interval));
        var windows = new List<SpreadWindow>((int)((end - start).Ticks / Length.Ticks));
        for (var t = start; t < end; t += Length)
            windows.Add(new SpreadWindow(t));
        return windows;
    }

    public override string ToString() => Interval.ToString();
}
