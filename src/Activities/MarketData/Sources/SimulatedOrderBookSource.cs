using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Sources;

/// <summary>
/// An in-process market with no network: per book a random-walk mid price and a mean-reverting spread with occasional
/// wide episodes (about one a minute, lasting seconds, 0.3 %–1.6 %) so alerts at 0.1 / 0.5 / 1.0 % open and resolve.
/// Deterministic: the same seed and the same first second give the same series, and a second already generated
/// (a re-run, an overlapping run) always gets the same quote. The walk extends forward and backward from the first
/// second asked for, one step per second.
/// </summary>
public sealed class SimulatedOrderBookSource(IOptions<MarketDataOptions> options) : IOrderBookSource
{
    public const string SourceName = "simulated";

    private const int MaxHistorySeconds = 24 * 3600;

    private readonly Dictionary<string, SimulatedBook> _books = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name => SourceName;

    /// <summary>The series is deterministic, so a second already past gets the quote it always had.</summary>
    public bool QuotesPastSeconds => true;

    public Task<BookQuote> GetQuoteAsync(string book, DateTimeOffset second, CancellationToken cancellationToken)
    {
        var unix = SpreadObservationFactory.TruncateToSecond(second).ToUnixTimeSeconds();
        lock (_lock)
        {
            if (!_books.TryGetValue(book, out var simulated) || Math.Abs(unix - simulated.Origin) > MaxHistorySeconds)
                _books[book] = simulated = new SimulatedBook(book, options.Value.SimulatorSeed, unix);
            return Task.FromResult(simulated.QuoteAt(unix));
        }
    }

    private sealed class SimulatedBook
    {
        private readonly string _book;
        private readonly decimal _tick;
        private readonly decimal _baseSpreadPct;
        private readonly Random _forward;
        private readonly Random _backward;
        private readonly Dictionary<long, State> _history = new();
        private long _first;
        private long _last;

        public SimulatedBook(string book, int seed, long origin)
        {
            _book = book;
            Origin = origin;
            var (mid, tick, spreadPct) = book switch
            {
                // Quiet spreads just under 0.1 % so the lowest default threshold is crossed now and then, not always.
                "btc_mxn" => (1_235_000.0, 10m, 0.08m),
                "usd_mxn" => (17.2, 0.001m, 0.07m),
                _ => (100.0, 0.01m, 0.08m),
            };
            _tick = tick;
            _baseSpreadPct = spreadPct;
            var bookSeed = seed ^ StableHash(book);
            _forward = new Random(bookSeed);
            _backward = new Random(bookSeed ^ 0x5bd1e995);
            _history[origin] = new State(mid, (double)spreadPct, 0);
            _first = _last = origin;
        }

        public long Origin { get; }

        public BookQuote QuoteAt(long second)
        {
            for (; _last < second; _last++)
                _history[_last + 1] = Step(_history[_last], _forward);
            for (; _first > second; _first--)
                _history[_first - 1] = Step(_history[_first], _backward);
            var state = _history[second];
            var spread = Math.Max(_tick, (decimal)state.Mid * (decimal)state.SpreadPct / 100m);
            var mid = (decimal)state.Mid;
            var bid = Math.Floor((mid - spread / 2) / _tick) * _tick;
            var ask = Math.Ceiling((mid + spread / 2) / _tick) * _tick;
            var amounts = new Random(unchecked((int)second) ^ StableHash(_book));
            return new BookQuote
            {
                Book = _book,
                Source = SourceName,
                BestBid = bid,
                BestAsk = ask,
                BidAmount = Math.Round((decimal)(amounts.NextDouble() * 2 + 0.001), 8),
                AskAmount = Math.Round((decimal)(amounts.NextDouble() * 2 + 0.001), 8),
                ExchangeTimestamp = DateTimeOffset.FromUnixTimeSeconds(second),
                Sequence = second - Origin,
            };
        }

        private State Step(State previous, Random random)
        {
            // Mid: geometric random walk, ~0.02 % per second.
            var mid = previous.Mid * Math.Exp(Gaussian(random) * 0.0002);
            // Spread: mean-reverting around the base, plus episodes that keep it wide for a few seconds.
            var episode = previous.EpisodeSecondsLeft;
            double spreadPct;
            if (episode > 0)
            {
                spreadPct = previous.SpreadPct * (1 + Gaussian(random) * 0.05);
                episode--;
            }
            else if (random.NextDouble() < 1.0 / 60)
            {
                spreadPct = 0.3 + random.NextDouble() * 1.3;
                episode = 3 + random.Next(15);
            }
            else
            {
                var baseline = (double)_baseSpreadPct;
                spreadPct = previous.SpreadPct + (baseline - previous.SpreadPct) * 0.5 + Gaussian(random) * baseline * 0.1;
            }
            return new State(mid, Math.Clamp(spreadPct, 0.005, 3.0), episode);
        }

        private static double Gaussian(Random random)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        // string.GetHashCode is randomized per process; the simulator must give the same series in every process.
        private static int StableHash(string text)
        {
            var hash = 2166136261u;
            foreach (var c in text) hash = (hash ^ c) * 16777619u;
            return unchecked((int)hash);
        }

        private readonly record struct State(double Mid, double SpreadPct, int EpisodeSecondsLeft);
    }
}
