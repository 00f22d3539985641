using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Activities.MarketData;

namespace BitsoWorkflows.Benchmarks.Lake;

/// <summary>Seeded, realistic-looking seconds: a spread wandering around 0.18 %, about 2 % of seconds missed.</summary>
internal static class SyntheticSpreads
{
    public static List<SpreadObservation> Window(string book, SpreadWindow window, Random random)
    {
        var mid = book.StartsWith("btc", StringComparison.Ordinal) ? 1_234_000m : 17.2m;
        var observations = new List<SpreadObservation>(SpreadWindow.Seconds);
        for (var i = 0; i < SpreadWindow.Seconds; i++)
        {
            if (random.NextDouble() < 0.02)
                continue;
            var pct = (decimal)(0.05 + random.NextDouble() * 0.3);
            var ask = Math.Round(mid * (1 + pct / 200), 2);
            var bid = Math.Round(mid * (1 - pct / 200), 2);
            observations.Add(new SpreadObservation
            {
                Second = window.Start.AddSeconds(i),
                Book = book,
                BestBid = bid,
                BestAsk = ask,
                BidAmount = Math.Round((decimal)random.NextDouble() * 2, 8),
                AskAmount = Math.Round((decimal)random.NextDouble() * 2, 8),
                Spread = ask - bid,
                SpreadPct = (ask - bid) / ask * 100,
                Source = "websocket",
                ExchangeTimestamp = window.Start.AddSeconds(i).AddMilliseconds(-random.Next(5, 400)),
                Sequence = random.NextInt64(1, 1_000_000_000),
                LatencyMs = Math.Round(random.NextDouble() * 50, 3),
                Status = ObservationStatus.Ok,
                RunId = "capture",
            });
        }
        return observations;
    }
}
