using BitsoWorkflows.Engine.Diagnostics;

namespace BitsoWorkflows.Engine.Tests.Diagnostics;

public sealed class RecentFireOffsetsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Percentiles_OfHundredOffsets_AreNearestRank()
    {
        var recent = new RecentFireOffsets();
        for (var i = 1; i <= 100; i++) recent.Add(Start.AddSeconds(i), i / 1000.0);

        var percentiles = recent.Percentiles(Start.AddSeconds(100), 50, 99);

        Assert.Equal(0.050, percentiles[0], 9);
        Assert.Equal(0.099, percentiles[1], 9);
    }

    [Fact]
    public void Percentiles_OlderThanTheWindow_AreLeftOut()
    {
        var recent = new RecentFireOffsets();
        recent.Add(Start, 5.0);
        recent.Add(Start + RecentFireOffsets.Window + TimeSpan.FromSeconds(1), 0.010);

        var now = Start + RecentFireOffsets.Window + TimeSpan.FromSeconds(2);

        Assert.Equal(new[] { 0.010 }, recent.Percentiles(now, 99));
        Assert.Equal(1, recent.Count(now));
    }

    [Fact]
    public void Percentiles_WhenNothingFired_AreEmpty() =>
        Assert.Empty(new RecentFireOffsets().Percentiles(Start, 50, 99));

    [Fact]
    public void PerMinute_PutsEachOffsetInItsMinuteOldestFirst()
    {
        var recent = new RecentFireOffsets();
        var now = Start.AddMinutes(10);
        recent.Add(now.AddSeconds(-30), 0.002);          // this minute: last bucket
        recent.Add(now.AddMinutes(-9).AddSeconds(-30), 0.5); // nine and a half minutes ago: first bucket

        var minutes = recent.PerMinute(now, 99);

        Assert.Equal(10, minutes.Count);
        Assert.Equal(0.5, minutes[0]);
        Assert.Equal(0.002, minutes[^1]);
        Assert.All(minutes.Skip(1).Take(8), m => Assert.Equal(0, m));
    }
}
