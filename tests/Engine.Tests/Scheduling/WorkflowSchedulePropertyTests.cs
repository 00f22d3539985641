using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Scheduling;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Scheduling;

/// <summary>
/// The calendar every run's logical time and data interval come from, over generated triggers (cron expressions of
/// seconds to years, fixed intervals from one second to days with any start date, either fire rule, any delay) and
/// instants with sub-second parts: an instant lies in exactly one interval, intervals tile time without gaps or
/// overlaps, the latest due run and the next fire agree with the fire rule.
/// </summary>
public sealed class WorkflowSchedulePropertyTests
{
    private static readonly DateTimeOffset Earliest = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An instant between 2020 and 2035, to the tick.</summary>
    private static readonly Gen<DateTimeOffset> Instant =
        Gen.Long[0, new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks - Earliest.Ticks].Select(t => Earliest.AddTicks(t));

    private static readonly Gen<string> SecondsField = Gen.OneOf(Gen.Const("*"), Gen.Const("0"), Gen.Int[0, 59].Select(s => $"{s}"),
        Gen.Int[1, 30].Select(n => $"*/{n}"), Gen.Select(Gen.Int[0, 29], Gen.Int[30, 59]).Select(p => $"{p.Item1},{p.Item2}"));

    private static readonly Gen<string> MinutesField = Gen.OneOf(Gen.Const("*"), Gen.Const("0"), Gen.Int[1, 30].Select(n => $"0/{n}"),
        Gen.Select(Gen.Int[0, 29], Gen.Int[30, 59]).Select(p => $"{p.Item1}-{p.Item2}"));

    private static readonly Gen<string> HoursField = Gen.OneOf(Gen.Const("*"), Gen.Const("0"), Gen.Int[0, 23].Select(h => $"{h}"), Gen.Int[1, 12].Select(n => $"*/{n}"));

    /// <summary>Day of month and day of week: one of them is <c>?</c>, as Quartz requires.</summary>
    private static readonly Gen<string> DaysFields = Gen.OneOf(Gen.Const("* *"), Gen.Const("? MON-FRI"), Gen.Const("? SUN"), Gen.Int[1, 28].Select(d => $"{d} *"),
        Gen.Const("29 2"), Gen.Const("L *"), Gen.Const("? 2#MON#5"));

    private static readonly Gen<TriggerDefinition> CronTrigger =
        Gen.Select(SecondsField, MinutesField, HoursField, DaysFields, FireRule, Delay)
            .Select(t => new TriggerDefinition { Cron = CronText(t.Item1, t.Item2, t.Item3, t.Item4), FireAt = t.Item5, Delay = t.Item6 });

    /// <summary>Fixed intervals from 1 s to 3 days to the tick, odd ones included, from any start date or none.</summary>
    private static readonly Gen<TriggerDefinition> IntervalTrigger =
        Gen.Select(Gen.OneOf(Gen.Long[TimeSpan.TicksPerSecond, 3 * TimeSpan.TicksPerDay], Gen.OneOf(Gen.Const(TimeSpan.TicksPerSecond), Gen.Const(TimeSpan.TicksPerMinute * 10),
                    Gen.Const(TimeSpan.TicksPerDay), Gen.Const(TimeSpan.TicksPerSecond + 1), Gen.Const(TimeSpan.TicksPerSecond * 3 / 2))),
                Instant.Nullable(), FireRule, Delay)
            .Select(t => new TriggerDefinition { Interval = TimeSpan.FromTicks(t.Item1).ToString("c", System.Globalization.CultureInfo.InvariantCulture), StartDate = t.Item2, FireAt = t.Item3, Delay = t.Item4 });

    private static Gen<string> FireRule => Gen.OneOf(Gen.Const(TriggerDefinition.FireAtIntervalStart), Gen.Const(TriggerDefinition.FireAtIntervalEnd));

    private static Gen<string?> Delay => Gen.OneOf(Gen.Const<string?>(() => null), Gen.Int[0, 600].Select(s => (string?)TimeSpan.FromSeconds(s).ToString("c", System.Globalization.CultureInfo.InvariantCulture)));

    private static string CronText(string seconds, string minutes, string hours, string days)
    {
        var (dayOfMonth, rest) = (days.Split(' ')[0], days.Split(' ')[1]);
        // "29 2" is the 29th of February: day of month 29, month 2, any day of week.
        // "? 2#MON#5" is the fifth Monday of February, which only a leap year whose February starts on a Monday has: 1988, 2016, 2044.
        return rest == "2#MON#5" ? $"{seconds} {minutes} {hours} ? 2 MON#5"
            : rest == "2" ? $"{seconds} {minutes} {hours} 29 2 ?"
            : dayOfMonth == "?" ? $"{seconds} {minutes} {hours} ? * {rest}"
            : $"{seconds} {minutes} {hours} {dayOfMonth} * ?";
    }

    private static readonly Gen<TriggerDefinition> Trigger = Gen.OneOf(CronTrigger, IntervalTrigger);

    [Fact]
    public void AnInstant_LiesInExactlyOneInterval_BetweenAnOccurrenceAndTheNext()
    {
        Gen.Select(Trigger, Instant).Sample((trigger, instant) =>
        {
            var schedule = WorkflowSchedule.From(trigger);
            var floor = schedule.Floor(instant);
            var next = schedule.Next(instant);
            Assert.True(floor <= instant, $"{Describe(trigger)}: floor {floor:O} after {instant:O}");
            Assert.True(next > instant, $"{Describe(trigger)}: next {next:O} not after {instant:O}");
            Assert.Equal(next, schedule.Next(floor)); // no occurrence strictly between the floor and the instant's next
            Assert.Equal(next, schedule.Floor(next)); // an occurrence is its own floor
            Assert.Equal(floor, schedule.Floor(next.AddTicks(-1)));
            var interval = schedule.IntervalAt(instant);
            Assert.Equal(new DataInterval(floor, next), interval);
        }, iter: 10_000);
    }

    [Fact]
    public void IntervalsStartingIn_TileTheRange_WithoutGapsOrOverlaps()
    {
        Gen.Select(Trigger, Instant, Gen.Int[1, 400]).Sample((trigger, from, steps) =>
        {
            var schedule = WorkflowSchedule.From(trigger);
            var first = schedule.Floor(from) == from ? from : schedule.Next(from);
            var to = first;
            var horizon = new DateTimeOffset(2080, 1, 1, 0, 0, 0, TimeSpan.Zero); // Quartz computes no years past 2099
            for (var i = 0; i < steps; i++)
            {
                if (to > horizon) steps = i;
                else to = schedule.Next(to);
            }
            to = to.AddTicks(-1); // the range ends just before the steps-th next occurrence: exactly `steps` intervals start in it

            var intervals = schedule.IntervalsStartingIn(from, to).ToList();
            Assert.Equal(steps, intervals.Count);
            Assert.Equal(first, intervals[0].Start);
            for (var i = 0; i < intervals.Count; i++)
            {
                Assert.True(intervals[i].Start >= from && intervals[i].Start < to, $"{Describe(trigger)}: {intervals[i].Start:O} outside [{from:O}, {to:O})");
                Assert.True(intervals[i].End > intervals[i].Start);
                if (i > 0) Assert.Equal(intervals[i - 1].End, intervals[i].Start);
            }
        }, iter: 500);
    }

    [Fact]
    public void LatestDueAndNextFire_FollowTheFireRule()
    {
        Gen.Select(Trigger, Instant).Sample((trigger, now) =>
        {
            var schedule = WorkflowSchedule.From(trigger);
            var due = schedule.LatestDue(now);
            var following = new DataInterval(due.End, schedule.Next(due.End));
            Assert.True(schedule.FireTime(due) <= now, $"{Describe(trigger)}: the latest due interval {due.Start:O} fires at {schedule.FireTime(due):O}, after {now:O}");
            Assert.True(schedule.FireTime(following) > now, $"{Describe(trigger)}: {following.Start:O} is due at {now:O} too, later than the latest due {due.Start:O}");
            Assert.Equal(schedule.FireTime(due) - schedule.Delay, trigger.FireAt == TriggerDefinition.FireAtIntervalStart ? due.Start : due.End);

            var (fireTime, interval) = schedule.NextFire(now);
            Assert.Equal(following, interval);
            Assert.Equal(schedule.FireTime(following), fireTime);
        }, iter: 10_000);
    }

    private static string Describe(TriggerDefinition trigger) =>
        (trigger.Cron is { } cron ? $"cron '{cron}'" : $"every {trigger.Interval} from {trigger.StartDate?.ToString("O") ?? "the epoch"}")
        + $", fire at {trigger.FireAt}, delay {trigger.Delay ?? "none"}";
}
