using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Activities.MarketData.Alerts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/alerts</c> and <c>/api/spreads</c>: spread alerts and the per-second observations.</summary>
public static class MarketApi
{
    public const int MaxRangeSeconds = 86_400;

    public static IEndpointRouteBuilder MapMarketApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/alerts", ListAlertsAsync).WithTags("Market data")
            .WithSummary("Spread alerts, newest first; open=true for open ones only, since=<time> for those opened or resolved since.");
        routes.MapGet("/api/spreads/latest", LatestAsync).WithTags("Market data")
            .WithSummary("The newest observations, newest first, optionally of one book.");
        routes.MapGet("/api/spreads/{book}", RangeAsync).WithTags("Market data")
            .WithSummary("One book's observations in [from, to), oldest first (at most a day); defaults to the last 10 minutes.");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<SpreadAlert>>, ProblemHttpResult>> ListAlertsAsync(
        MarketDataQueries queries, CancellationToken ct, string? book = null, bool open = false, DateTimeOffset? since = null, int limit = 100)
    {
        try
        {
            return TypedResults.Ok(await queries.ListAlertsAsync(book, open, since, limit, ct));
        }
        catch (ArgumentException ex)
        {
            return ProblemResults.BadRequest(ex.Message);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<SpreadObservation>>, ProblemHttpResult>> LatestAsync(
        MarketDataQueries queries, CancellationToken ct, string? book = null, int limit = 20)
    {
        try
        {
            return TypedResults.Ok(await queries.TailSpreadsAsync(book, limit, ct));
        }
        catch (ArgumentException ex)
        {
            return ProblemResults.BadRequest(ex.Message);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<SpreadObservation>>, ProblemHttpResult>> RangeAsync(
        string book, IObservationStore observations, TimeProvider time, CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        if (!BookNames.IsValid(book)) return ProblemResults.BadRequest($"book '{book}' is not a book name (lower-case major_minor, e.g. btc_mxn)");
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddMinutes(-10);
        if (start >= end) return ProblemResults.BadRequest($"from ({start:O}) must be before to ({end:O})");
        if ((end - start).TotalSeconds > MaxRangeSeconds) return ProblemResults.BadRequest("the range is longer than a day; query the lake for longer spans");
        return TypedResults.Ok(await observations.RangeAsync(book, start, end, ct));
    }
}
