namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// The alert state machine of one rule, walked second by second in order. A second counts as above the threshold
/// only with an <see cref="ObservationStatus.Ok"/> observation whose spread is above it; an ok or crossed observation
/// at or below it counts as below; anything else (stale, empty, error, missed, no row) is "no data": it interrupts a
/// streak that has not opened an alert yet, and neither extends nor resolves an open one.
/// Open: <c>MinConsecutiveSeconds</c> above in a row and the cooldown since the last resolution over. Resolve: the
/// first second below. One transition per crossing, never one per second.
/// </summary>
public static class SpreadAlertEvaluator
{
    /// <summary>
    /// Evaluates the seconds after <see cref="SpreadAlertTrack.Watermark"/> up to <paramref name="through"/> and
    /// returns the transitions in order. A second without an observation that is later than <paramref name="waitFrom"/>
    /// stops the walk there: its capture may still be committing in an overlapping run, and a later run resumes from it.
    /// </summary>
    public static IReadOnlyList<SpreadAlertTransition> Advance(
        SpreadAlertTrack track, SpreadAlertRule rule, IReadOnlyDictionary<long, SpreadObservation> observations, long through, long waitFrom)
    {
        var transitions = new List<SpreadAlertTransition>();
        var cooldown = (long)Math.Ceiling(rule.Cooldown.TotalSeconds);
        for (var second = track.Watermark + 1; second <= through; second++)
        {
            var observation = observations.GetValueOrDefault(second);
            if (observation is null && second > waitFrom) break;
            var pct = observation?.SpreadPct;
            var above = observation is { Status: ObservationStatus.Ok } && pct > rule.ThresholdPct;
            var below = observation is { Status: ObservationStatus.Ok or ObservationStatus.Crossed } && !above;

            if (track.IsOpen)
            {
                if (above && pct > track.OpenPeak)
                {
                    track.OpenPeak = pct;
                    track.OpenPeakAt = second;
                }
                else if (below)
                {
                    transitions.Add(new SpreadAlertTransition(AlertTransitionKind.Resolved, rule.Book, rule.ThresholdPct, At(second), pct,
                        track.OpenPeak ?? 0, At(track.OpenPeakAt ?? second), At(track.OpenFirstAboveAt ?? second)));
                    track.IsOpen = false;
                    track.OpenPeak = null;
                    track.OpenPeakAt = null;
                    track.OpenFirstAboveAt = null;
                    track.LastResolvedAt = second;
                }
            }
            else if (above)
            {
                track.Streak++;
                track.StreakStart ??= second;
                if (track.StreakPeak is null || pct > track.StreakPeak)
                {
                    track.StreakPeak = pct;
                    track.StreakPeakAt = second;
                }
                var cooled = track.LastResolvedAt is null || second - track.LastResolvedAt >= cooldown;
                if (track.Streak >= rule.MinConsecutiveSeconds && cooled)
                {
                    transitions.Add(new SpreadAlertTransition(AlertTransitionKind.Opened, rule.Book, rule.ThresholdPct, At(second), pct,
                        track.StreakPeak!.Value, At(track.StreakPeakAt!.Value), At(track.StreakStart.Value)));
                    track.IsOpen = true;
                    track.OpenPeak = track.StreakPeak;
                    track.OpenPeakAt = track.StreakPeakAt;
                    track.OpenFirstAboveAt = track.StreakStart;
                    track.ResetStreak();
                }
            }
            else
            {
                track.ResetStreak();
            }
            track.Watermark = second;
        }
        return transitions;
    }

    private static DateTimeOffset At(long second) => DateTimeOffset.FromUnixTimeSeconds(second);
}
