using BitsoWorkflows.Activities.MarketData.Alerts;

namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// Read side for the CLI, REST API and Studio: <c>alerts list</c> and <c>spreads tail</c>. Arguments are checked
/// here so every caller reports the same clear errors.
/// </summary>
public sealed class MarketDataQueries(SpreadAlertQueries alerts, IObservationStore observations)
{
    public const int DefaultLimit = 20;

    /// <summary><c>alerts list [--book] [--open] [--since]</c>: alerts, newest opened first.</summary>
    /// <exception cref="ArgumentException">The book name or limit is invalid.</exception>
    public Task<IReadOnlyList<SpreadAlert>> ListAlertsAsync(string? book, bool openOnly, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        CheckBook(book, "book");
        CheckLimit(limit);
        return alerts.ListAsync(book, openOnly, since, limit, cancellationToken);
    }

    /// <summary><c>spreads tail [--book] [--limit N]</c>: the newest observations, newest first.</summary>
    /// <exception cref="ArgumentException">The book name or limit is invalid.</exception>
    public Task<IReadOnlyList<SpreadObservation>> TailSpreadsAsync(string? book, int limit, CancellationToken cancellationToken)
    {
        CheckBook(book, "book");
        CheckLimit(limit);
        return observations.LatestAsync(book, limit, cancellationToken);
    }

    private static void CheckBook(string? book, string option)
    {
        if (book is not null && !BookNames.IsValid(book))
            throw new ArgumentException($"{option} is '{book}': a book is lower-case major_minor, e.g. btc_mxn.");
    }

    private static void CheckLimit(int limit)
    {
        if (limit is < 1 or > 10_000)
            throw new ArgumentException($"limit is {limit}; it must be 1..10000.");
    }
}
