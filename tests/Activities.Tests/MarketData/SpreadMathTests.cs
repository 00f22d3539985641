using System.Globalization;
using BitsoWorkflows.Activities.MarketData;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class SpreadMathTests
{
    [Fact]
    public void SpreadPct_WhenBidBelowAsk_IsDifferenceOverAskTimesHundredRoundedTo8Places()
    {
        Assert.Equal(0.19575329m, SpreadMath.SpreadPct(1233830.0m, 1236250.0m));
        Assert.Equal(2420.0m, SpreadMath.Spread(1233830.0m, 1236250.0m));
        Assert.Equal(0.05810575m, SpreadMath.SpreadPct(17.20m, 17.21m));
    }

    [Fact]
    public void SpreadPct_WhenMidpoint_RoundsAwayFromZero()
    {
        // (100 − 99.999999995) × 100 / 100 = 0.000000005 exactly: half of the 8th place.
        Assert.Equal(0.00000001m, SpreadMath.SpreadPct(99.999999995m, 100m));
    }

    [Fact]
    public void SpreadPct_WhenCrossed_IsNegative()
    {
        Assert.Equal(-1m, SpreadMath.SpreadPct(101m, 100m));
    }

    [Fact]
    public void SpreadPct_WhenAskNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpreadMath.SpreadPct(1m, 0m));
    }

    [Fact]
    public void Create_WhenSidesMissingOrCrossed_SetsStatus()
    {
        var second = MarketTest.T0;
        Assert.Equal(ObservationStatus.Ok, MarketTest.Observation("btc_mxn", second, 99m, 100m).Status);
        Assert.Equal(ObservationStatus.Crossed, MarketTest.Observation("btc_mxn", second, 100m, 100m).Status);
        var empty = SpreadObservationFactory.Create(second, new BookQuote { Book = "btc_mxn", Source = "rest", BestAsk = 100m }, TimeSpan.Zero, null);
        Assert.Equal(ObservationStatus.Empty, empty.Status);
        Assert.Null(empty.SpreadPct);
        var failed = SpreadObservationFactory.Create(second, BookQuote.Failed("btc_mxn", "rest", "boom"), TimeSpan.Zero, null);
        Assert.Equal(ObservationStatus.Error, failed.Status);
        var stale = SpreadObservationFactory.Create(second, new BookQuote { Book = "btc_mxn", Source = "websocket", BestBid = 99m, BestAsk = 100m, IsStale = true }, TimeSpan.Zero, null);
        Assert.Equal(ObservationStatus.Stale, stale.Status);
        Assert.Equal(1m, stale.SpreadPct);
    }

    [SkippableFact]
    public void SpreadPct_RecomputedFromMaxMondragonCaptures_AgreesWithinTheirFloat32Arithmetic()
    {
        // That author held prices as float32 (Spark FloatType): the difference is a float32 subtraction, Spark's "/" then
        // works in double, and the result is stored as float32. We reproduce each stored value bit for bit that way, and
        // our exact decimal differs from it by no more than the float32 rounding of the prices allows.
        var folder = SharedData.RequirePath("observed_spreads", "max-mondragon", "Output CSV", "BitsoSpreadMonitor", "date=20240726");
        var rows = 0;
        foreach (var file in Directory.GetFiles(folder, "*.csv", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                var cells = line.Split(',');
                var bid = decimal.Parse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture);
                var ask = decimal.Parse(cells[3], NumberStyles.Float, CultureInfo.InvariantCulture);
                var stored = float.Parse(cells[4], CultureInfo.InvariantCulture);

                var theirs = (float)((double)((float)ask - (float)bid) / (float)ask * 100.0);
                Assert.True(theirs == stored, $"{line}: float32 recomputation gives {theirs}");

                var ours = SpreadMath.SpreadPct(bid, ask);
                var inputError = (Ulp((float)ask) + Ulp((float)bid)) / (double)ask * 100;
                var bound = inputError + Math.Abs((double)ours) * 1e-6 + 1e-8;
                Assert.True(Math.Abs((double)ours - stored) <= bound, $"{line}: ours {ours} vs stored {stored} (bound {bound})");
                rows++;
            }
        }
        Assert.Equal(4800, rows);
    }

    private static double Ulp(float value) => MathF.BitIncrement(value) - value;

    [SkippableTheory]
    [InlineData("lohemilio", "challenge1/data_lake/year=2024/month=5/day=28/hour=23/minute=18/order_book_data.csv")]
    [InlineData("lohemilio", "challenge1/data_lake/year=2024/month=5/day=28/hour=23/minute=36/order_book_data.csv")]
    [InlineData("ilegorreta", "data/bitso/btc_mxn_hourly_combined.csv")]
    [InlineData("ilegorreta", "data/bitso/usd_mxn_hourly_combined.csv")]
    public void SpreadPct_RecomputedFromFullPrecisionCaptures_AgreesToEightPlaces(string owner, string relativePath)
    {
        var file = SharedData.RequirePath(["observed_spreads", owner, .. relativePath.Split('/')]);
        var rows = 0;
        foreach (var line in File.ReadLines(file).Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            var bid = decimal.Parse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture);
            var ask = decimal.Parse(cells[3], NumberStyles.Float, CultureInfo.InvariantCulture);
            // These authors stored the unrounded double; it must round to our exact decimal value.
            var stored = double.Parse(cells[4], CultureInfo.InvariantCulture);
            var ours = SpreadMath.SpreadPct(bid, ask);
            Assert.True(Math.Abs((double)ours - stored) <= 5e-9 + Math.Abs(stored) * 1e-12, $"{relativePath}: {line} recomputes to {ours}");
            rows++;
        }
        Assert.True(rows > 600, $"only {rows} rows read from {relativePath}");
    }
}
