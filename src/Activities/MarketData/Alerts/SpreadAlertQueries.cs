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
        int C(string column) => r.GetOrdinal(column);
        while (await r.ReadAsync(cancellationToken))
        {
            alerts.Add(new SpreadAlert
            {
                Id = r.GetInt64(C("id")),
                Book = r.GetString(C("book")),
                ThresholdPct = SqlValues.Decimal(r, C("threshold_pct"))!.Value,
                FirstAboveAt = SqlValues.FromSeconds(r.GetInt64(C("first_above_at"))),
                OpenedAt = SqlValues.FromSeconds(r.GetInt64(C("opened_at"))),
                ResolvedAt = SqlValues.FromSeconds(r, C("resolved_at")),
                PeakSpreadPct = SqlValues.Decimal(r, C("peak_spread_pct"))!.Value,
                PeakAt = SqlValues.FromSeconds(r.GetInt64(C("peak_at"))),
                WorkflowId = r.GetString(C("workflow_id")),
                WorkflowVersion = r.GetInt32(C("workflow_version")),
                RunId = r.GetString(C("run_id")),
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
        int C(string column) => r.GetOrdinal(column);
        while (await r.ReadAsync(cancellationToken))
        {
            events.Add(new SpreadAlertEvent(r.GetInt64(C("id")), r.GetInt64(C("alert_id")), Enum.Parse<AlertTransitionKind>(r.GetString(C("kind")), true),
                SqlValues.FromSeconds(r.GetInt64(C("at"))), SqlValues.Decimal(r, C("spread_pct")), r.GetString(C("run_id")), r.GetString(C("webhook_status")),
                r.GetInt32(C("webhook_attempts")), SqlValues.StringOrNull(r, C("webhook_error"))));
        }
        return events;
    }
}
