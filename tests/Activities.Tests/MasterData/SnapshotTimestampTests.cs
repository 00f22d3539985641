using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class SnapshotTimestampTests
{
    [Theory]
    [InlineData("2020-01-10 14:11:05+00", 0)]
    [InlineData("2020-01-10 14:11:05.6+00", 6_000_000)]
    [InlineData("2020-01-10 14:11:05.63+00", 6_300_000)]
    [InlineData("2020-01-10 14:11:05.853+00", 8_530_000)]
    [InlineData("2020-01-10 14:11:05.8531+00", 8_531_000)]
    [InlineData("2020-01-10 14:11:05.85312+00", 8_531_200)]
    [InlineData("2020-01-10 14:11:05.853129+00", 8_531_290)]
    [InlineData("2020-01-10T14:11:05.853129Z", 8_531_290)]
    [InlineData(" 2020-01-10 14:11:05 ", 0)]
    [InlineData("2020-01-10 14:11:05+00:00", 0)]
    public void TryParse_WhenFractionHasZeroToSixDigits_ReturnsTheUtcInstant(string text, long fractionTicks)
    {
        Assert.True(SnapshotTimestamp.TryParse(text, out var utc));
        Assert.Equal(new DateTime(2020, 1, 10, 14, 11, 5, DateTimeKind.Utc).AddTicks(fractionTicks), utc);
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
    }

    [Theory]
    [InlineData("2020-01-10 09:11:05-05", 14)]
    [InlineData("2020-01-10 20:41:05+0630", 14)]
    [InlineData("2020-01-11 01:11:05+11:00", 14)]
    public void TryParse_WhenTheOffsetIsNotUtc_ConvertsToUtc(string text, int utcHour)
    {
        Assert.True(SnapshotTimestamp.TryParse(text, out var utc));
        Assert.Equal(new DateTime(2020, 1, 10, utcHour, 11, 5, DateTimeKind.Utc), utc);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2020-13-10 14:11:05+00")]
    [InlineData("2021-02-29 14:11:05+00")]
    [InlineData("2020-01-10 25:11:05+00")]
    [InlineData("2020-01-10 14:11:05.+00")]
    [InlineData("2020-01-10 14:11:05.123456789+00")]
    [InlineData("2020-01-10 14:11+00")]
    [InlineData("2020-01-10 14:11:05 UTC")]
    public void TryParse_WhenTheTextIsNotATimestamp_ReturnsFalse(string text) =>
        Assert.False(SnapshotTimestamp.TryParse(text, out _));

    [Fact]
    public void TryParse_FromUtf8Bytes_MatchesTheTextParse()
    {
        Assert.True(SnapshotTimestamp.TryParse("2020-01-10 14:11:05.63+00"u8, out var utc));
        Assert.Equal(new DateTime(2020, 1, 10, 14, 11, 5, DateTimeKind.Utc).AddMilliseconds(630), utc);
        Assert.False(SnapshotTimestamp.TryParse("2020-01-10 14:11:05.63+00 but longer than any timestamp can be, surely"u8, out _));
    }
}
