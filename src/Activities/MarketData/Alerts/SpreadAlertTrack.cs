namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// The persisted progress of one (book, threshold) rule through the observation series: every second up to
/// <see cref="Watermark"/> has been evaluated, in order. Seconds are Unix seconds.
/// </summary>
public sealed class SpreadAlertTrack
{
    public required long Watermark { get; set; }

    /// <summary>Seconds in a row above the threshold while no alert is open.</summary>
    public int Streak { get; set; }

    public long? StreakStart { get; set; }

    public decimal? StreakPeak { get; set; }

    public long? StreakPeakAt { get; set; }

    /// <summary>An alert is open for this rule.</summary>
    public bool IsOpen { get; set; }

    public long? OpenAlertId { get; set; }

    public long? OpenFirstAboveAt { get; set; }

    public decimal? OpenPeak { get; set; }

    public long? OpenPeakAt { get; set; }

    public long? LastResolvedAt { get; set; }

    internal void ResetStreak()
    {
        Streak = 0;
        StreakStart = null;
        StreakPeak = null;
        StreakPeakAt = null;
    }
}
