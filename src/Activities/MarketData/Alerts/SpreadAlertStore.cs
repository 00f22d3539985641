using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Engine.Execution;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// Alerts, alert events and each rule's evaluation progress, in the market SQLite file beside the observations.
/// <para>
/// Consistency under overlapping and out-of-order per-second runs: alert state is never kept in memory. Each
/// evaluation takes SQLite's write lock (<c>BEGIN IMMEDIATE</c>), so evaluations are serialized; it reads each rule's
/// persisted watermark and walks the persisted observations forward from it, in second order, whatever order the runs
/// arrive in. A run whose seconds were already walked by a later run does nothing (idempotent per logical time); a
/// missing recent second (its capture still committing) stops the walk until a later evaluation, after
/// <see cref="MarketDataOptions.AlertGrace"/> it counts as no data. Each transition is committed together with the
/// state that produced it, so an event is recorded exactly once.
/// </para>
/// </summary>
public sealed class SpreadAlertStore(MarketDatabase database, IOptions<MarketDataOptions> options, TimeProvider time)
{
    /// <summary>Walks every rule's observations up to <paramref name="at"/> (or the newest observation) and commits the transitions.</summary>
    /// <param name="webhook">Whether the events go to a webhook: they are then stored <c>pending</c>, so an event whose
    /// delivery a crash interrupted is still redelivered (see <see cref="ClaimRedeliveriesAsync"/>).</param>
    public async Task<AlertEvaluationResult> EvaluateAsync(
        IReadOnlyList<string> books, IReadOnlyList<SpreadAlertRule> rules, DateTimeOffset at, RunInfo run, CancellationToken cancellationToken, bool webhook = false)
    {
        var delivery = webhook ? new PendingDelivery(time.GetUtcNow() + options.Value.WebhookRedeliveryGrace) : null;
        var atSecond = SpreadObservationFactory.TruncateToSecond(at).ToUnixTimeSeconds();
        var waitFrom = (time.GetUtcNow() - options.Value.AlertGrace).ToUnixTimeSeconds();
        var maxCatchUp = (long)options.Value.AlertMaxCatchUp.TotalSeconds;
        var transitions = new List<SpreadAlertTransition>();

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var book in books)
        {
            var bookRules = rules.Where(r => r.Book == book).ToList();
            var tracks = await LoadTracksAsync(connection, transaction, book, cancellationToken);
            transitions.AddRange(await ResolveRemovedRulesAsync(connection, transaction, book, bookRules, tracks, atSecond, run, delivery, cancellationToken));
            if (bookRules.Count == 0) continue;

            var newest = await ScalarAsync(connection, transaction, "SELECT MAX(second) FROM observations WHERE book = $book", book, cancellationToken);
            var through = Math.Max(atSecond, newest ?? atSecond);
            foreach (var rule in bookRules)
            {
                var key = SqlValues.Threshold(rule.ThresholdPct);
                if (!tracks.TryGetValue(key, out var track))
                    tracks[key] = track = new SpreadAlertTrack { Watermark = atSecond - 1 };
                track.Watermark = Math.Max(track.Watermark, through - maxCatchUp);
            }
            var from = bookRules.Min(r => tracks[SqlValues.Threshold(r.ThresholdPct)].Watermark) + 1;
            var observations = await LoadObservationsAsync(connection, transaction, book, from, through, cancellationToken);

            foreach (var rule in bookRules)
            {
                var track = tracks[SqlValues.Threshold(rule.ThresholdPct)];
                var openBefore = (track.OpenAlertId, track.OpenPeak, track.OpenPeakAt);
                foreach (var transition in SpreadAlertEvaluator.Advance(track, rule, observations, through, waitFrom))
                    transitions.Add(await ApplyAsync(connection, transaction, track, transition, run, delivery, cancellationToken));
                var peakChanged = (track.OpenAlertId, track.OpenPeak, track.OpenPeakAt) != openBefore;
                await SaveTrackAsync(connection, transaction, book, rule.ThresholdPct, track, peakChanged, cancellationToken);
            }
        }
        var open = (int)(await ScalarAsync(connection, transaction, "SELECT COUNT(*) FROM spread_alerts WHERE resolved_at IS NULL", null, cancellationToken) ?? 0);
        await transaction.CommitAsync(cancellationToken);
        Diagnostics.ActivitiesMetrics.OpenAlerts(open);
        return new AlertEvaluationResult(transitions, open);
    }

    /// <summary>Failed deliveries are retried for this long after their event, then given up.</summary>
    public static readonly TimeSpan RedeliveryWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// Records how one round of webhook delivery of an event went (attempts add up over rounds). A failed round schedules
    /// the next one 10 s later, doubling up to 10 minutes.
    /// </summary>
    public async Task RecordDeliveryAsync(long eventId, bool delivered, int attempts, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, """
            UPDATE spread_alert_events
            SET webhook_status = $status, webhook_attempts = webhook_attempts + $attempts, webhook_rounds = webhook_rounds + 1, webhook_error = $error,
                delivered_at_ms = $deliveredAt,
                webhook_next_at_ms = CASE WHEN $delivered = 1 THEN NULL ELSE $now + min(10000 * (1 << min(webhook_rounds, 6)), 600000) END
            WHERE id = $id
            """);
        command.Parameters.AddWithValue("$status", delivered ? "delivered" : "failed");
        command.Parameters.AddWithValue("$delivered", delivered ? 1 : 0);
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$error", SqlValues.Nullable(error));
        command.Parameters.AddWithValue("$deliveredAt", delivered ? now.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", eventId);
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
            "SELECT EXISTS (SELECT 1 FROM spread_alert_events WHERE webhook_status IN ('pending', 'failed') AND webhook_next_at_ms <= $now AND at >= $oldest)"))
        {
            probe.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            probe.Parameters.AddWithValue("$oldest", SqlValues.Seconds(now - RedeliveryWindow));
            if ((long)(await probe.ExecuteScalarAsync(cancellationToken))! == 0) return [];
        }
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var select = SqlValues.Command(connection, """
            SELECT e.id, e.kind, e.at, e.spread_pct, e.run_id, e.webhook_rounds,
                   a.id, a.book, a.threshold_pct, a.first_above_at, a.peak_spread_pct, a.peak_at, a.workflow_id, a.workflow_version
            FROM spread_alert_events e JOIN spread_alerts a ON a.id = e.alert_id
            WHERE e.webhook_status IN ('pending', 'failed') AND e.webhook_next_at_ms <= $now AND e.at >= $oldest
            ORDER BY e.id
            LIMIT $limit
            """, transaction);
        select.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        select.Parameters.AddWithValue("$oldest", SqlValues.Seconds(now - RedeliveryWindow));
        select.Parameters.AddWithValue("$limit", limit);
        var due = new List<AlertRedelivery>();
        await using (var r = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                var transition = new SpreadAlertTransition(Enum.Parse<AlertTransitionKind>(r.GetString(1), true), r.GetString(7), SqlValues.Decimal(r, 8)!.Value,
                    SqlValues.FromSeconds(r.GetInt64(2)), SqlValues.Decimal(r, 3), SqlValues.Decimal(r, 10)!.Value, SqlValues.FromSeconds(r.GetInt64(11)),
                    SqlValues.FromSeconds(r.GetInt64(9)))
                { AlertId = r.GetInt64(6), EventId = r.GetInt64(0) };
                due.Add(new AlertRedelivery(transition, r.GetString(12), r.GetInt32(13), r.GetString(4), r.GetInt32(5) + 1));
            }
        }
        await using var claim = SqlValues.Command(connection, "UPDATE spread_alert_events SET webhook_next_at_ms = $until WHERE id = $id", transaction);
        foreach (var redelivery in due)
        {
            claim.Parameters.Clear();
            claim.Parameters.AddWithValue("$until", (now + options.Value.WebhookRedeliveryGrace).ToUnixTimeMilliseconds());
            claim.Parameters.AddWithValue("$id", redelivery.Transition.EventId);
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return due;
    }

    private sealed record PendingDelivery(DateTimeOffset RedeliverFrom);

    /// <summary>Alerts, newest opened first, optionally of one book, only open ones, or opened or resolved since an instant.</summary>
    public async Task<IReadOnlyList<SpreadAlert>> ListAsync(string? book, bool openOnly, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection, """
            SELECT id, book, threshold_pct, first_above_at, opened_at, resolved_at, peak_spread_pct, peak_at, workflow_id, workflow_version, run_id
            FROM spread_alerts
            WHERE ($book IS NULL OR book = $book)
              AND ($open = 0 OR resolved_at IS NULL)
              AND ($since IS NULL OR opened_at >= $since OR resolved_at >= $since OR resolved_at IS NULL)
            ORDER BY opened_at DESC, book, CAST(threshold_pct AS REAL) DESC
            LIMIT $limit
            """);
        command.Parameters.AddWithValue("$book", SqlValues.Nullable(book));
        command.Parameters.AddWithValue("$open", openOnly ? 1 : 0);
        command.Parameters.AddWithValue("$since", since is null ? DBNull.Value : SqlValues.Seconds(since.Value));
        command.Parameters.AddWithValue("$limit", limit);
        var alerts = new List<SpreadAlert>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            alerts.Add(new SpreadAlert
            {
                Id = r.GetInt64(0),
                Book = r.GetString(1),
                ThresholdPct = SqlValues.Decimal(r, 2)!.Value,
                FirstAboveAt = SqlValues.FromSeconds(r.GetInt64(3)),
                OpenedAt = SqlValues.FromSeconds(r.GetInt64(4)),
                ResolvedAt = SqlValues.FromSeconds(r, 5),
                PeakSpreadPct = SqlValues.Decimal(r, 6)!.Value,
                PeakAt = SqlValues.FromSeconds(r.GetInt64(7)),
                WorkflowId = r.GetString(8),
                WorkflowVersion = r.GetInt32(9),
                RunId = r.GetString(10),
            });
        }
        return alerts;
    }

    /// <summary>The events of one alert in order, with their delivery outcome.</summary>
    public async Task<IReadOnlyList<SpreadAlertEvent>> EventsAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlValues.Command(connection,
            "SELECT id, alert_id, kind, at, spread_pct, run_id, webhook_status, webhook_attempts, webhook_error FROM spread_alert_events WHERE alert_id = $id ORDER BY id");
        command.Parameters.AddWithValue("$id", alertId);
        var events = new List<SpreadAlertEvent>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            events.Add(new SpreadAlertEvent(r.GetInt64(0), r.GetInt64(1), Enum.Parse<AlertTransitionKind>(r.GetString(2), true), SqlValues.FromSeconds(r.GetInt64(3)),
                SqlValues.Decimal(r, 4), r.GetString(5), r.GetString(6), r.GetInt32(7), r.IsDBNull(8) ? null : r.GetString(8)));
        }
        return events;
    }

    private static async Task<SpreadAlertTransition> ApplyAsync(
        SqliteConnection connection, SqliteTransaction transaction, SpreadAlertTrack track, SpreadAlertTransition transition, RunInfo run, PendingDelivery? delivery,
        CancellationToken cancellationToken)
    {
        long alertId;
        if (transition.Kind == AlertTransitionKind.Opened)
        {
            await using var insert = SqlValues.Command(connection, """
                INSERT INTO spread_alerts (book, threshold_pct, first_above_at, opened_at, peak_spread_pct, peak_at, workflow_id, workflow_version, run_id)
                VALUES ($book, $threshold, $first, $opened, $peak, $peakAt, $workflow, $version, $run)
                RETURNING id
                """, transaction);
            insert.Parameters.AddWithValue("$book", transition.Book);
            insert.Parameters.AddWithValue("$threshold", SqlValues.Threshold(transition.ThresholdPct));
            insert.Parameters.AddWithValue("$first", SqlValues.Seconds(transition.FirstAboveAt));
            insert.Parameters.AddWithValue("$opened", SqlValues.Seconds(transition.At));
            insert.Parameters.AddWithValue("$peak", SqlValues.Decimal(transition.PeakSpreadPct));
            insert.Parameters.AddWithValue("$peakAt", SqlValues.Seconds(transition.PeakAt));
            insert.Parameters.AddWithValue("$workflow", run.WorkflowId);
            insert.Parameters.AddWithValue("$version", run.WorkflowVersion);
            insert.Parameters.AddWithValue("$run", run.RunId);
            alertId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            track.OpenAlertId = alertId;
        }
        else
        {
            alertId = track.OpenAlertId ?? throw new InvalidOperationException($"Resolving an alert of {transition.Book} above {transition.ThresholdPct} % that has no row.");
            await using var update = SqlValues.Command(connection,
                "UPDATE spread_alerts SET resolved_at = $resolved, peak_spread_pct = $peak, peak_at = $peakAt WHERE id = $id", transaction);
            update.Parameters.AddWithValue("$resolved", SqlValues.Seconds(transition.At));
            update.Parameters.AddWithValue("$peak", SqlValues.Decimal(transition.PeakSpreadPct));
            update.Parameters.AddWithValue("$peakAt", SqlValues.Seconds(transition.PeakAt));
            update.Parameters.AddWithValue("$id", alertId);
            await update.ExecuteNonQueryAsync(cancellationToken);
            track.OpenAlertId = null;
        }
        var eventId = await InsertEventAsync(connection, transaction, alertId, transition.Kind, transition.At, transition.SpreadPct, run.RunId, delivery, cancellationToken);
        return transition with { AlertId = alertId, EventId = eventId };
    }

    // A threshold dropped from the rules (a new workflow version) resolves its open alert now instead of leaving it open forever.
    private static async Task<List<SpreadAlertTransition>> ResolveRemovedRulesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string book, List<SpreadAlertRule> bookRules, Dictionary<string, SpreadAlertTrack> tracks,
        long atSecond, RunInfo run, PendingDelivery? delivery, CancellationToken cancellationToken)
    {
        var kept = bookRules.Select(r => SqlValues.Threshold(r.ThresholdPct)).ToHashSet();
        var resolved = new List<SpreadAlertTransition>();
        foreach (var (threshold, track) in tracks.Where(t => !kept.Contains(t.Key)).ToList())
        {
            if (track is { IsOpen: true, OpenAlertId: { } alertId })
            {
                var transition = new SpreadAlertTransition(AlertTransitionKind.Resolved, book, decimal.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture),
                    DateTimeOffset.FromUnixTimeSeconds(atSecond), null, track.OpenPeak ?? 0, DateTimeOffset.FromUnixTimeSeconds(track.OpenPeakAt ?? atSecond),
                    DateTimeOffset.FromUnixTimeSeconds(track.OpenFirstAboveAt ?? atSecond));
                resolved.Add(await ApplyAsync(connection, transaction, track, transition, run, delivery, cancellationToken));
            }
            await using var delete = SqlValues.Command(connection, "DELETE FROM spread_alert_state WHERE book = $book AND threshold_pct = $threshold", transaction);
            delete.Parameters.AddWithValue("$book", book);
            delete.Parameters.AddWithValue("$threshold", threshold);
            await delete.ExecuteNonQueryAsync(cancellationToken);
            tracks.Remove(threshold);
        }
        return resolved;
    }

    private static async Task<long> InsertEventAsync(
        SqliteConnection connection, SqliteTransaction transaction, long alertId, AlertTransitionKind kind, DateTimeOffset at, decimal? spreadPct, string runId,
        PendingDelivery? delivery, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, """
            INSERT INTO spread_alert_events (alert_id, kind, at, spread_pct, run_id, webhook_status, webhook_next_at_ms)
            VALUES ($alert, $kind, $at, $pct, $run, $status, $next) RETURNING id
            """, transaction);
        command.Parameters.AddWithValue("$status", delivery is null ? "none" : "pending");
        command.Parameters.AddWithValue("$next", delivery is null ? DBNull.Value : delivery.RedeliverFrom.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$alert", alertId);
        command.Parameters.AddWithValue("$kind", kind.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("$at", SqlValues.Seconds(at));
        command.Parameters.AddWithValue("$pct", SqlValues.Decimal(spreadPct));
        command.Parameters.AddWithValue("$run", runId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<Dictionary<string, SpreadAlertTrack>> LoadTracksAsync(
        SqliteConnection connection, SqliteTransaction transaction, string book, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, """
            SELECT s.threshold_pct, s.watermark, s.streak, s.streak_start, s.streak_peak, s.streak_peak_at, s.open_alert_id, s.last_resolved_at,
                   a.peak_spread_pct, a.peak_at, a.first_above_at
            FROM spread_alert_state s LEFT JOIN spread_alerts a ON a.id = s.open_alert_id
            WHERE s.book = $book
            """, transaction);
        command.Parameters.AddWithValue("$book", book);
        var tracks = new Dictionary<string, SpreadAlertTrack>(StringComparer.Ordinal);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var openId = r.IsDBNull(6) ? (long?)null : r.GetInt64(6);
            tracks[r.GetString(0)] = new SpreadAlertTrack
            {
                Watermark = r.GetInt64(1),
                Streak = r.GetInt32(2),
                StreakStart = r.IsDBNull(3) ? null : r.GetInt64(3),
                StreakPeak = SqlValues.Decimal(r, 4),
                StreakPeakAt = r.IsDBNull(5) ? null : r.GetInt64(5),
                IsOpen = openId is not null,
                OpenAlertId = openId,
                LastResolvedAt = r.IsDBNull(7) ? null : r.GetInt64(7),
                OpenPeak = SqlValues.Decimal(r, 8),
                OpenPeakAt = r.IsDBNull(9) ? null : r.GetInt64(9),
                OpenFirstAboveAt = r.IsDBNull(10) ? null : r.GetInt64(10),
            };
        }
        return tracks;
    }

    private static async Task SaveTrackAsync(
        SqliteConnection connection, SqliteTransaction transaction, string book, decimal threshold, SpreadAlertTrack track, bool peakChanged,
        CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, """
            INSERT OR REPLACE INTO spread_alert_state (book, threshold_pct, watermark, streak, streak_start, streak_peak, streak_peak_at, open_alert_id, last_resolved_at)
            VALUES ($book, $threshold, $watermark, $streak, $streakStart, $streakPeak, $streakPeakAt, $open, $lastResolved)
            """, transaction);
        command.Parameters.AddWithValue("$book", book);
        command.Parameters.AddWithValue("$threshold", SqlValues.Threshold(threshold));
        command.Parameters.AddWithValue("$watermark", track.Watermark);
        command.Parameters.AddWithValue("$streak", track.Streak);
        command.Parameters.AddWithValue("$streakStart", SqlValues.Nullable(track.StreakStart));
        command.Parameters.AddWithValue("$streakPeak", SqlValues.Decimal(track.StreakPeak));
        command.Parameters.AddWithValue("$streakPeakAt", SqlValues.Nullable(track.StreakPeakAt));
        command.Parameters.AddWithValue("$open", SqlValues.Nullable(track.IsOpen ? track.OpenAlertId : null));
        command.Parameters.AddWithValue("$lastResolved", SqlValues.Nullable(track.LastResolvedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);

        // The open alert's row holds its peak so far; it only needs writing when this run raised the peak (or opened the
        // alert, whose row then already holds the peak it opened with). Opening and resolving write the peak themselves.
        if (peakChanged && track is { IsOpen: true, OpenAlertId: { } alertId, OpenPeak: { } peak })
        {
            await using var peakUpdate = SqlValues.Command(connection,
                "UPDATE spread_alerts SET peak_spread_pct = $peak, peak_at = $peakAt WHERE id = $id", transaction);
            peakUpdate.Parameters.AddWithValue("$peak", SqlValues.Decimal(peak));
            peakUpdate.Parameters.AddWithValue("$peakAt", SqlValues.Nullable(track.OpenPeakAt));
            peakUpdate.Parameters.AddWithValue("$id", alertId);
            await peakUpdate.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<Dictionary<long, SpreadObservation>> LoadObservationsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string book, long from, long through, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection,
            $"SELECT {SqliteObservationStore.SelectColumns} FROM observations WHERE book = $book AND second >= $from AND second <= $through", transaction);
        command.Parameters.AddWithValue("$book", book);
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$through", through);
        var rows = await SqliteObservationStore.ReadAllAsync(command, cancellationToken);
        return rows.ToDictionary(o => o.Second.ToUnixTimeSeconds());
    }

    private static async Task<long?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, string? book, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, sql, transaction);
        if (book is not null) command.Parameters.AddWithValue("$book", book);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
