using BitsoWorkflows.Activities.MarketData.Storage;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>Reads alerts and their events for the API, the CLI and the Studio; never writes.</summary>
public sealed class SpreadAlertQueries(MarketDatabase database)
{
    /// <summary>Alerts, newest opened first, optionally of one book, only open ones, or opened or resolved since an instant.</summary>
    public async Task<IReadOnlyList<SpreadAlert>> ListAsync(string? book, bool openOnly, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, """
            SELECT id, book, threshold_pct, first_above_at, opened_at, resolved_at, peak_spread_pct, peak_at, workflow_id, workflow_version, run_id
            FROM spread_alerts
            WHERE (@book IS NULL OR book = @book)
              AND (@open = 0 OR resolved_at IS NULL)
              AND (@since IS NULL OR opened_at >= @since OR resolved_at >= @since OR resolved_at IS NULL)
            ORDER BY opened_at DESC, book, CAST(threshold_pct AS REAL) DESC
            LIMIT @limit
            """);
        command.Text("book", book).Int32("open", openOnly ? 1 : 0).Int64("since", since is null ? null : SqlValues.Seconds(since.Value)).Int32("limit", limit);
        var alerts = new List<SpreadAlert>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            alerts.Add(new SpreadAlert
            {
                Id = r.Int64("id"),
                Book = r.Text("book"),
                ThresholdPct = r.DecimalValue("threshold_pct"),
                FirstAboveAt = r.Instant("first_above_at"),
                OpenedAt = r.Instant("opened_at"),
                ResolvedAt = r.InstantOrNull("resolved_at"),
                PeakSpreadPct = r.DecimalValue("peak_spread_pct"),
                PeakAt = r.Instant("peak_at"),
                WorkflowId = r.Text("workflow_id"),
                WorkflowVersion = r.Int32("workflow_version"),
                RunId = r.Text("run_id"),
            });
        }
        return alerts;
    }

    /// <summary>The events of one alert in order, with their delivery outcome.</summary>
    public async Task<IReadOnlyList<SpreadAlertEvent>> EventsAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection,
            "SELECT id, alert_id, kind, at, spread_pct, run_id, webhook_status, webhook_attempts, webhook_error FROM spread_alert_events WHERE alert_id = @id ORDER BY id");
        command.Int64("id", alertId);
        var events = new List<SpreadAlertEvent>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            events.Add(new SpreadAlertEvent(r.Int64("id"), r.Int64("alert_id"), Enum.Parse<AlertTransitionKind>(r.Text("kind"), true),
                r.Instant("at"), r.DecimalOrNull("spread_pct"), r.Text("run_id"), r.Text("webhook_status"),
                r.Int32("webhook_attempts"), r.TextOrNull("webhook_error")));
        }
        return events;
    }
}
