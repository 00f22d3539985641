using BitsoWorkflows.Activities.Diagnostics;
using BitsoWorkflows.Activities.MarketData.Sources;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// Records the top of each book for the run's logical second, one observation per (book, second), replacing any
/// earlier one for that second. A run that starts later than <see cref="MarketDataOptions.MaxCaptureLag"/> after its
/// second cannot see that second's live book: it records its quote as stale and keeps an observation already there.
/// </summary>
[Activity("CaptureOrderBooks", Category = "Market data", Description = "Captures the top of each book for the run's logical second.")]
public sealed class CaptureOrderBooks(OrderBookSourceSelector sources, ObservationStore store, IOptions<MarketDataOptions> options, TimeProvider time)
    : Activity<CaptureOrderBooksInput, CaptureOrderBooksOutput>
{
    public override async Task<CaptureOrderBooksOutput> ExecuteAsync(ActivityContext<CaptureOrderBooksInput> context, CancellationToken cancellationToken)
    {
        var problems = BookNames.Problems(context.Input.Books, "books");
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems));
        var source = sources.Select(context.Input.Source);
        var second = SpreadObservationFactory.TruncateToSecond(context.LogicalTime);
        var late = time.GetUtcNow() - second > options.Value.MaxCaptureLag && !source.QuotesPastSeconds;

        var observations = await Task.WhenAll(context.Input.Books.Select(async book =>
        {
            var quote = await source.GetQuoteAsync(book, second, cancellationToken);
            var latency = time.GetUtcNow() - second;
            if (late)
                quote = quote with { IsStale = true, Error = $"captured {latency.TotalSeconds:0.0} s after its second; the live book then is unknown" };
            return SpreadObservationFactory.Create(second, quote, latency, context.Run.RunId);
        }));

        foreach (var o in observations)
            ActivitiesMetrics.Captured(o.Book, o.Source, ActivitiesMetrics.Label(o.Status), TimeSpan.FromMilliseconds(o.LatencyMs));

        var recorded = late
            ? await store.InsertMissingAsync(observations, cancellationToken)
            : await WriteAllAsync(observations, cancellationToken);

        var missed = await store.RecordMissedAsync(context.Input.Books, second - options.Value.MaxCaptureLag, options.Value.MissedLookback, context.Run.RunId, cancellationToken);
        if (missed > 0) context.Journal.Warning($"{missed} earlier book-seconds had no capture; recorded as missed.");

        // One line per second keeps a per-second workflow's journal small; problems get their own warning.
        context.Journal.Info(string.Join("; ", observations.Select(o =>
            $"{o.Book} {o.Status.ToString().ToLowerInvariant()} {o.BestBid?.ToString() ?? "-"}/{o.BestAsk?.ToString() ?? "-"} spread {o.SpreadPct?.ToString() ?? "-"} % via {o.Source} in {o.LatencyMs:0.0} ms")));
        foreach (var o in observations.Where(o => o.Status != ObservationStatus.Ok))
            context.Journal.Warning($"{o.Book} {o.Status.ToString().ToLowerInvariant()}: {o.Error}");

        return new CaptureOrderBooksOutput
        {
            Recorded = recorded,
            Ok = observations.Count(o => o.Status == ObservationStatus.Ok),
            Degraded = observations.Count(o => o.Status != ObservationStatus.Ok),
            Missed = missed,
        };
    }

    private async Task<int> WriteAllAsync(SpreadObservation[] observations, CancellationToken cancellationToken)
    {
        await store.UpsertAsync(observations, cancellationToken);
        CrashPoint.Reach(CrashPoint.CaptureCommitted);
        return observations.Length;
    }
}
