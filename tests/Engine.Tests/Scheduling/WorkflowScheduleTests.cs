using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Scheduling;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

public sealed class WorkflowScheduleTests
{
    private static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly WorkflowSchedule EverySecond = WorkflowSchedule.From(new TriggerDefinition { Cron = "* * * * * ?", FireAt = TriggerDefinition.FireAtIntervalStart });
    private static readonly WorkflowSchedule TenMinutes = WorkflowSchedule.From(new TriggerDefinition { Cron = "0 0/10 * * * ?", Delay = "00:00:05" });
    private static readonly WorkflowSchedule Daily = WorkflowSchedule.From(new TriggerDefinition { Cron = "0 0 0 * * ?", Delay = "00:05:00" });

    [Fact]
    public void IntervalAt_PerSecond_CoversTheSecondAndFiresAtItsStart()
    {
        var interval = EverySecond.IntervalAt(T("2026-11-28T14:00:07.250Z"));

        Assert.Equal(new DataInterval(T("2026-11-28T14:00:07Z"), T("2026-11-28T14:00:08Z")), interval);
        Assert.Equal(T("2026-11-28T14:00:07Z"), EverySecond.FireTime(interval));
    }

    [Fact]
    public void IntervalAt_TenMinutes_FiresAfterTheIntervalEndsPlusGrace()
    {
        var interval = TenMinutes.IntervalAt(T("2026-11-28T14:03:00Z"));

        Assert.Equal(new DataInterval(T("2026-11-28T14:00:00Z"), T("2026-11-28T14:10:00Z")), interval);
        Assert.Equal(T("2026-11-28T14:10:05Z"), TenMinutes.FireTime(interval));
    }

    [Fact]
    public void LatestDue_BeforeTheGraceEnds_IsThePreviousInterval()
    {
        Assert.Equal(T("2026-11-28T13:50:00Z"), TenMinutes.LatestDue(T("2026-11-28T14:10:04Z")).Start);
        Assert.Equal(T("2026-11-28T14:00:00Z"), TenMinutes.LatestDue(T("2026-11-28T14:10:05Z")).Start);
    }

    [Fact]
    public void Daily_RunForDayD_CoversTheDayAndFiresAfterItEnds()
    {
        var interval = Daily.LatestDue(T("2026-11-29T00:06:00Z"));

        Assert.Equal(new DataInterval(T("2026-11-28T00:00:00Z"), T("2026-11-29T00:00:00Z")), interval);
        Assert.Equal(T("2026-11-29T00:05:00Z"), Daily.FireTime(interval));
    }

    [Fact]
    public void IntervalsStartingIn_ReturnsEachStartInTheHalfOpenRange()
    {
        var intervals = Daily.IntervalsStartingIn(T("2026-11-01T00:00:00Z"), T("2026-11-04T00:00:00Z")).ToList();

        Assert.Equal([T("2026-11-01T00:00:00Z"), T("2026-11-02T00:00:00Z"), T("2026-11-03T00:00:00Z")], intervals.Select(i => i.Start));
        Assert.Equal(T("2026-11-04T00:00:00Z"), intervals[^1].End);
    }

    [Fact]
    public void IntervalsStartingIn_WhenFromIsNotAligned_StartsAtTheNextOccurrence() =>
        Assert.Equal(T("2026-11-28T14:10:00Z"), TenMinutes.IntervalsStartingIn(T("2026-11-28T14:03:00Z"), T("2026-11-28T15:00:00Z")).First().Start);

    [Fact]
    public void NextFire_IsStrictlyAfterNow()
    {
        var (fire, interval) = TenMinutes.NextFire(T("2026-11-28T14:10:05Z"));

        Assert.Equal(T("2026-11-28T14:20:05Z"), fire);
        Assert.Equal(T("2026-11-28T14:10:00Z"), interval.Start);
    }

    [Fact]
    public void FixedInterval_AlignsToStartDate()
    {
        var schedule = WorkflowSchedule.From(new TriggerDefinition { Interval = "00:15:00", StartDate = T("2026-01-01T00:05:00Z") });

        Assert.Equal(new DataInterval(T("2026-11-28T14:05:00Z"), T("2026-11-28T14:20:00Z")), schedule.IntervalAt(T("2026-11-28T14:19:59Z")));
    }

    [Fact]
    public void FixedInterval_OfOddTicks_AnOccurrenceStartsAnIntervalThatEndsAtTheNext()
    {
        // Found by WorkflowSchedulePropertyTests: the floor of an occurrence was the occurrence before it, so the
        // interval it started was empty and walking the calendar from it never moved on.
        var schedule = WorkflowSchedule.From(new TriggerDefinition { Interval = "14:38:43.8352661" });
        var occurrence = schedule.Next(T("2020-03-05T10:32:18Z"));

        Assert.Equal(occurrence, schedule.Floor(occurrence));
        Assert.Equal(occurrence + TimeSpan.Parse("14:38:43.8352661", System.Globalization.CultureInfo.InvariantCulture), schedule.IntervalAt(occurrence).End);
    }
}
