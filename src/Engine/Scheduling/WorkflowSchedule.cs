using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using Quartz;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// The calendar of a trigger: its occurrences in UTC, the data interval each one starts, and when the run of an
/// interval fires (Airflow's rule: at the interval's end, or at its start for <c>fireAt: intervalStart</c>, plus a delay).
/// </summary>
public abstract class WorkflowSchedule
{
    protected WorkflowSchedule(TriggerDefinition trigger)
    {
        FiresAtStart = trigger.FireAt == TriggerDefinition.FireAtIntervalStart;
        Delay = DefinitionJson.ParseDuration(trigger.Delay) ?? TimeSpan.Zero;
        StartDate = trigger.StartDate?.ToUniversalTime();
    }

    public bool FiresAtStart { get; }

    public TimeSpan Delay { get; }

    public DateTimeOffset? StartDate { get; }

    public static WorkflowSchedule From(TriggerDefinition trigger) =>
        trigger.Cron is { } cron ? new CronSchedule(trigger, cron) : new FixedIntervalSchedule(trigger, DefinitionJson.ParseDuration(trigger.Interval)!.Value);

    /// <summary>The first occurrence strictly after <paramref name="instant"/>.</summary>
    public abstract DateTimeOffset Next(DateTimeOffset instant);

    /// <summary>The latest occurrence at or before <paramref name="instant"/>.</summary>
    public abstract DateTimeOffset Floor(DateTimeOffset instant);

    /// <summary>The data interval that starts at the occurrence at or before <paramref name="instant"/>.</summary>
    public DataInterval IntervalAt(DateTimeOffset instant)
    {
        var start = Floor(instant);
        return new DataInterval(start, Next(start));
    }

    /// <summary>When the run of <paramref name="interval"/> is due.</summary>
    public DateTimeOffset FireTime(DataInterval interval) => (FiresAtStart ? interval.Start : interval.End) + Delay;

    /// <summary>The newest interval whose run is due at <paramref name="now"/>.</summary>
    public DataInterval LatestDue(DateTimeOffset now)
    {
        var interval = IntervalAt(now);
        while (FireTime(interval) > now)
            interval = IntervalAt(interval.Start.AddTicks(-1));
        return interval;
    }

    /// <summary>The first fire strictly after <paramref name="now"/>, and the interval it runs.</summary>
    public (DateTimeOffset FireTime, DataInterval Interval) NextFire(DateTimeOffset now)
    {
        var interval = LatestDue(now);
        do
        {
            var start = interval.End;
            interval = new DataInterval(start, Next(start));
        }
        while (FireTime(interval) <= now);
        return (FireTime(interval), interval);
    }

    /// <summary>Every interval whose start lies in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public IEnumerable<DataInterval> IntervalsStartingIn(DateTimeOffset from, DateTimeOffset to)
    {
        var start = Floor(from);
        if (start < from) start = Next(start);
        while (start < to)
        {
            var next = Next(start);
            yield return new DataInterval(start, next);
            start = next;
        }
    }

    private sealed class CronSchedule(TriggerDefinition trigger, string cron) : WorkflowSchedule(trigger)
    {
        private readonly CronExpression _expression = new(cron, TimeZoneInfo.Utc);

        public override DateTimeOffset Next(DateTimeOffset instant) =>
            _expression.GetNextValidTimeAfter(instant) ?? throw new CalendarEndedException($"cron '{cron}' has no occurrence after {instant:O}");

        public override DateTimeOffset Floor(DateTimeOffset instant)
        {
            // Quartz only looks forward: step back until an occurrence lies at or before the instant, then walk forward.
            for (var window = TimeSpan.FromSeconds(1); ; window *= 2)
            {
                var candidate = _expression.GetNextValidTimeAfter(instant - window);
                if (candidate is { } found && found <= instant)
                {
                    while (Next(found) is var next && next <= instant)
                        found = next;
                    return found;
                }
                // A century: the rarest calendars Quartz can write without a year field recur within decades (the fifth
                // Monday of February: 1988, 2016, 2044); ten years made such a workflow's floor throw.
                if (window > TimeSpan.FromDays(36525))
                    throw new CalendarEndedException($"cron '{cron}' has no occurrence before {instant:O}");
            }
        }
    }

    private sealed class FixedIntervalSchedule(TriggerDefinition trigger, TimeSpan interval) : WorkflowSchedule(trigger)
    {
        private readonly DateTimeOffset _origin = trigger.StartDate?.ToUniversalTime() ?? DateTimeOffset.UnixEpoch;

        public override DateTimeOffset Floor(DateTimeOffset instant)
        {
            // In whole ticks: a quotient in double precision rounded an occurrence of an interval such as 14:38:43.8352661
            // down to the one before it, whose next occurrence was then itself (an empty interval, an endless walk).
            var ticks = (instant - _origin).Ticks;
            var steps = ticks / interval.Ticks;
            if (ticks % interval.Ticks < 0) steps--; // floor, not truncation, before the origin
            return _origin + TimeSpan.FromTicks(steps * interval.Ticks);
        }

        public override DateTimeOffset Next(DateTimeOffset instant) => Floor(instant) + interval;
    }
}

/// <summary>
/// A calendar with no occurrence where one is asked for: a cron whose year field has passed, or one that never fires
/// (both refused at validation now; a definition stored before can still hold one). Callers that walk every workflow
/// skip that one and go on with the others.
/// </summary>
public sealed class CalendarEndedException(string message) : InvalidOperationException(message);
