using BitsoWorkflows.Activities.MarketData.Storage;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// The webhook delivery of alert events: each event is stored <c>pending</c> with the transition that raised it (by
/// <see cref="SpreadAlertStateStore"/>); a run records how its delivery went, and events whose delivery failed, or
/// whose run died before delivering, are claimed again on a backoff (<see cref="MarketDataOptions.WebhookRetryDelay"/>,
/// doubling up to <see cref="MarketDataOptions.WebhookRetryMaxDelay"/>) for at most <see cref="RedeliveryWindow"/>.
/// </summary>
public sealed class AlertDeliveryOutbox(MarketDatabase database, IOptions<MarketDataOptions> options, TimeProvider time)
{
    /// <summary>Failed deliveries are retried for this long after their event, then given up.</summary>
    public static readonly TimeSpan RedeliveryWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// Records how one round of webhook delivery of an event went (attempts add up over rounds). A failed round schedules
    /// the next one <see cref="MarketDataOptions.WebhookRetryDelay"/> later, doubling with each round up to
    /// <see cref="MarketDataOptions.WebhookRetryMaxDelay"/>.
    /// </summary>
    public async Task RecordDeliveryAsync(long eventId, bool delivered, int attempts, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        var backoff = database.Least($"@delay * (1 << {database.Least("webhook_rounds", "30")})", "@maxDelay");
        await using var command = SqlValues.Command(connection, $"""
            UPDATE spread_alert_events
            SET webhook_status = @status, webhook_attempts = webhook_attempts + @attempts, webhook_rounds = webhook_rounds + 1, webhook_error = @error,
                delivered_at_ms = @deliveredAt,
                webhook_next_at_ms = CASE WHEN @delivered = 1 THEN NULL ELSE @now + {backoff} END
            WHERE id = @id
            """);
        command.Text("status", delivered ? "delivered" : "failed").Int32("delivered", delivered ? 1 : 0).Int32("attempts", attempts).Text("error", error)
            .Int64("deliveredAt", delivered ? now.ToUnixTimeMilliseconds() : null).Int64("now", now.ToUnixTimeMilliseconds())
            .Int64("delay", (long)options.Value.WebhookRetryDelay.TotalMilliseconds).Int64("maxDelay", (long)options.Value.WebhookRetryMaxDelay.TotalMilliseconds)
            .Int64("id", eventId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> events whose webhook delivery is due again — failed, or left pending by a run
    /// that died — oldest first, at most <see cref="RedeliveryWindow"/> old. Each is claimed for
    /// <see cref="MarketDataOptions.WebhookRedeliveryGrace"/>, so overlapping runs never deliver one event twice at once.
    /// </summary>
    public async Task<IReadOnlyList<AlertRedelivery>> ClaimRedeliveriesAsync(int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        // Nearly always nothing is due: find that out without taking the write lock the per-second capture needs.
        await using (var probe = SqlValues.Command(connection,
            "SELECT 1 FROM spread_alert_events WHERE webhook_status IN ('pending', 'failed') AND webhook_next_at_ms <= @now AND at >= @oldest LIMIT 1"))
        {
            probe.Int64("now", now.ToUnixTimeMilliseconds()).Int64("oldest", SqlValues.Seconds(now - RedeliveryWindow));
            if (await probe.ExecuteScalarAsync(cancellationToken) is null) return [];
        }
        await using var transaction = await database.BeginSerializedAsync(connection, cancellationToken);
        await using var select = SqlValues.Command(connection, """
            SELECT e.id AS event_id, e.kind, e.at, e.spread_pct, e.run_id, e.webhook_rounds,
                   a.id AS alert_id, a.book, a.threshold_pct, a.first_above_at, a.peak_spread_pct, a.peak_at, a.workflow_id, a.workflow_version
            FROM spread_alert_events e JOIN spread_alerts a ON a.id = e.alert_id
            WHERE e.webhook_status IN ('pending', 'failed') AND e.webhook_next_at_ms <= @now AND e.at >= @oldest
            ORDER BY e.id
            LIMIT @limit
            """, transaction);
        select.Int64("now", now.ToUnixTimeMilliseconds()).Int64("oldest", SqlValues.Seconds(now - RedeliveryWindow)).Int32("limit", limit);
        var due = new List<AlertRedelivery>();
        await using (var r = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                var transition = new SpreadAlertTransition(
                    Enum.Parse<AlertTransitionKind>(r.Text("kind"), true), r.Text("book"), r.DecimalValue("threshold_pct"),
                    r.Instant("at"), r.DecimalOrNull("spread_pct"), r.DecimalValue("peak_spread_pct"),
                    r.Instant("peak_at"), r.Instant("first_above_at"))
                { AlertId = r.Int64("alert_id"), EventId = r.Int64("event_id") };
                due.Add(new AlertRedelivery(transition, r.Text("workflow_id"), r.Int32("workflow_version"), r.Text("run_id"), r.Int32("webhook_rounds") + 1));
            }
        }
        await using var claim = SqlValues.Command(connection, "UPDATE spread_alert_events SET webhook_next_at_ms = @until WHERE id = @id", transaction);
        foreach (var redelivery in due)
        {
            claim.Parameters.Clear();
            claim.Int64("until", (now + options.Value.WebhookRedeliveryGrace).ToUnixTimeMilliseconds()).Int64("id", redelivery.Transition.EventId);
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return due;
    }
}
