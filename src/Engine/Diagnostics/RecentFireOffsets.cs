namespace BitsoWorkflows.Engine.Diagnostics;

/// <summary>
/// The fire offsets of the last <see cref="Window"/> in this process, for percentiles on the Studio's System page.
/// Bounded: older samples are dropped as new ones arrive, and at most <see cref="MaxSamples"/> are kept.
/// </summary>
public sealed class RecentFireOffsets
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>Ten minutes of a few per-second workflows.</summary>
    public const int MaxSamples = 10_000;

    private readonly Queue<(DateTimeOffset At, double Seconds)> _samples = new();
    private readonly Lock _lock = new();

    public void Add(DateTimeOffset at, double seconds)
    {
        lock (_lock)
        {
            _samples.Enqueue((at, seconds));
            while (_samples.Count > MaxSamples || (_samples.TryPeek(out var oldest) && at - oldest.At > Window))
                _samples.Dequeue();
        }
    }

    /// <summary>The given percentiles (0–100) of the offsets in seconds since <paramref name="now"/> − <see cref="Window"/>; empty when there were none.</summary>
    public IReadOnlyList<double> Percentiles(DateTimeOffset now, params double[] percentiles)
    {
        double[] values;
        lock (_lock)
            values = _samples.Where(s => now - s.At <= Window).Select(s => s.Seconds).ToArray();
        if (values.Length == 0) return [];
        Array.Sort(values);
        return percentiles.Select(p => values[(int)Math.Clamp(Math.Ceiling(p / 100 * values.Length) - 1, 0, values.Length - 1)]).ToArray();
    }

    /// <summary>The given percentile of each minute of the window, oldest first (0 for a minute without fires), for a chart.</summary>
    public IReadOnlyList<double> PerMinute(DateTimeOffset now, double percentile)
    {
        var minutes = (int)Window.TotalMinutes;
        var buckets = Enumerable.Range(0, minutes).Select(_ => new List<double>()).ToArray();
        lock (_lock)
        {
            foreach (var (at, seconds) in _samples)
            {
                var age = now - at;
                if (age < TimeSpan.Zero || age > Window) continue;
                buckets[Math.Clamp(minutes - 1 - (int)age.TotalMinutes, 0, minutes - 1)].Add(seconds);
            }
        }
        return buckets.Select(b =>
        {
            if (b.Count == 0) return 0;
            b.Sort();
            return b[(int)Math.Clamp(Math.Ceiling(percentile / 100 * b.Count) - 1, 0, b.Count - 1)];
        }).ToArray();
    }

    /// <summary>How many offsets were recorded in the window.</summary>
    public int Count(DateTimeOffset now)
    {
        lock (_lock)
            return _samples.Count(s => now - s.At <= Window);
    }
}
