using BitsoWorkflows.Activities.MarketData.Bitso;
using Microsoft.Extensions.Time.Testing;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class BitsoRateLimiterTests
{
    [Fact]
    public async Task TryAcquire_UnderConcurrentLoad_NeverGrantsMoreThanTheLimitInAnySixtySeconds()
    {
        var time = new FakeTimeProvider(MarketTest.T0.AddMilliseconds(137));
        var limiter = new BitsoRateLimiter(60, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15), time);
        var grants = new List<DateTimeOffset>();

        for (var step = 0; step < 600; step++)
        {
            // Eight callers hammer the limiter at every 250 ms step for 150 s (far above 60/min).
            var granted = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => limiter.TryAcquire(out TimeSpan _))));
            grants.AddRange(granted.Where(g => g).Select(_ => time.GetUtcNow()));
            time.Advance(TimeSpan.FromMilliseconds(250));
        }

        for (var i = 0; i < grants.Count; i++)
            Assert.True(grants.Count(g => g >= grants[i] && g < grants[i] + TimeSpan.FromMinutes(1)) <= 60, $"more than 60 grants in the minute from {grants[i]:O}");
        Assert.InRange(grants.Count, 150, 180); // the budget is used, not just respected
    }

    [Fact]
    public void TryAcquire_WhenBudgetSpent_SaysWhenTheOldestGrantLeavesTheWindow()
    {
        var time = new FakeTimeProvider(MarketTest.T0);
        var limiter = new BitsoRateLimiter(2, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), time);
        Assert.True(limiter.TryAcquire(out _));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.TryAcquire(out _));

        Assert.False(limiter.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);
        time.Advance(retryAfter);
        Assert.True(limiter.TryAcquire(out _));
    }

    [Fact]
    public void ReportRateLimited_LocksOutForTheLockoutThenEscalatesOnRepeat()
    {
        var time = new FakeTimeProvider(MarketTest.T0);
        var limiter = new BitsoRateLimiter(60, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), time);

        limiter.ReportRateLimited();
        Assert.False(limiter.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(1), retryAfter);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(limiter.TryAcquire(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(out _));

        limiter.ReportRateLimited(); // again without an accepted request in between: 2 min
        Assert.Equal(MarketTest.T0.AddMinutes(3), limiter.LockedUntil);
        time.Advance(TimeSpan.FromMinutes(2));
        limiter.ReportRateLimited(); // 4 min, capped at 3
        Assert.Equal(MarketTest.T0.AddMinutes(6), limiter.LockedUntil);

        time.Advance(TimeSpan.FromMinutes(3));
        limiter.ReportAccepted();
        limiter.ReportRateLimited();
        Assert.Equal(MarketTest.T0.AddMinutes(7), limiter.LockedUntil);
    }

    [Fact]
    public async Task AcquireAsync_WhenBudgetSpent_WaitsForTheWindow()
    {
        var time = new FakeTimeProvider(MarketTest.T0);
        var limiter = new BitsoRateLimiter(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), time);
        await limiter.AcquireAsync(default);

        var waiting = limiter.AcquireAsync(default);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(60));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
