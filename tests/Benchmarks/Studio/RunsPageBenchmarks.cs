using BenchmarkDotNet.Attributes;
using BitsoWorkflows.Benchmarks.Engine;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Studio.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Benchmarks.Studio;

/// <summary>
/// The Studio's runs page (refreshed every 2 s while open) over two days of the per-second workflow (172,800 runs, its
/// retention) beside the 10-minute workflow's runs: the per-minute summary for each time filter, and the grid of the
/// other workflows' newest runs.
/// </summary>
[InProcess]
[MedianColumn]
[WarmupCount(3)]
[IterationCount(20)]
public class RunsPageBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly TriggerDefinition EverySecond = new() { Cron = "* * * * * ?", FireAt = TriggerDefinition.FireAtIntervalStart };
    private BenchEngine _engine = null!;
    private RunGrid _grid = null!;
    private RunCalendar _calendar = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = BenchEngine.StartAsync().GetAwaiter().GetResult();
        RunListBenchmarks.SeedAsync(_engine, 172_800).GetAwaiter().GetResult();
        _grid = new RunGrid(new RunHistory(_engine.Get<IDbContextFactory<WorkflowDbContext>>()), new FakeTimeProvider(Now));
        _calendar = new RunCalendar(new RunHistory(_engine.Get<IDbContextFactory<WorkflowDbContext>>()));
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "per-minute summary, last hour (60 rows)")]
    public Task<IReadOnlyList<MinuteSummary>> PerMinuteHour() => _grid.PerMinuteAsync("order-book-every-second", EverySecond, Now.AddHours(-1), Now, CancellationToken.None);

    [Benchmark(Description = "per-minute summary, last 24 hours (1,440 rows; the page's default)")]
    public Task<IReadOnlyList<MinuteSummary>> PerMinuteDay() => _grid.PerMinuteAsync("order-book-every-second", EverySecond, Now.AddHours(-24), Now, CancellationToken.None);

    [Benchmark(Description = "per-minute summary, last 7 days (2 days stored: 2,880 rows)")]
    public Task<IReadOnlyList<MinuteSummary>> PerMinuteWeek() => _grid.PerMinuteAsync("order-book-every-second", EverySecond, Now.AddDays(-7), Now, CancellationToken.None);

    [Benchmark(Description = "calendar: runs per day by outcome, last 12 weeks (2 days stored)")]
    public Task<IReadOnlyList<CalendarDay>> CalendarTwelveWeeks() =>
        _calendar.DaysAsync("order-book-every-second", DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-83), DateOnly.FromDateTime(Now.UtcDateTime), CancellationToken.None);

    [Benchmark(Description = "grid: newest 50 runs of the other workflows, last 24 hours")]
    public Task<IReadOnlyList<RunGridRow>> GridOthers() =>
        _grid.RecentAsync(new RunQuery { Limit = 50, LogicalFrom = Now.AddHours(-24) }, ["order-book-every-second"], CancellationToken.None);
}
