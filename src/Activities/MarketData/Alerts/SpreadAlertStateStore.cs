using System.Data.Common;
using BitsoWorkflows.Activities.MarketData.Storage;
using BitsoWorkflows.Engine.Execution;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// The alert state: each rule's evaluation progress, the alerts and their events, in the market database beside the
/// observations (see <see cref="MarketDatabase"/>). Delivery of the events is <see cref="AlertDeliveryOutbox"/>'s, listing them <see cref="SpreadAlertQueries"/>'s.
/// <para>
/// Consistency under overlapping and out-of-order per-second runs: alert state is never kept in memory. Each
/// evaluation runs in <see cref="MarketDatabase.BeginSerializedAsync"/> (SQLite's write lock, or PostgreSQL's advisory
/// lock, so also across nodes), so evaluations are serialized; it reads each rule's
/// persisted watermark and walks the persisted observations forward from it, in second order, whatever order the runs
/// arrive in. A run whose seconds were already walked by a later run does nothing (idempotent per logical time); a
/// missing recent second (its capture still committing) stops the walk until a later evaluation, after
/// <see cref="MarketDataOptions.AlertGrace"/> it counts as no data. A new rule starts with the seconds still within
/// the grace (so its first alerts can wait out the grace after a cold start). Each transition is committed together with the
/// state that produced it, so an event is recorded exactly once.
/// </para>
/// </summary>
public sealed class SpreadAlertStateStore(MarketDatabase database, IOptions<MarketDataOptions> options, TimeProvider time)
{
    /// <summary>Walks every rule's observations up to <paramref name="at"/> (or the newest observation) and commits the transitions.</summary>
    /// <param name="webhook">Whether the events go to a webhook: they are then stored <c>pending</c>, so an event whose
    /// delivery a crash interrupted is still redelivered (see <see cref="AlertDeliveryOutbox.ClaimRedeliveriesAsync"/>).</param>
    public async Task<AlertEvaluationResult> EvaluateAsync(
        IReadOnlyList<string> books, IReadOnlyList<SpreadAlertRule> rules, DateTimeOffset at, RunInfo run, CancellationToken cancellationToken, bool webhook = false)
    {
        var delivery = webhook ? new PendingDelivery(time.GetUtcNow() + options.Value.WebhookRedeliveryGrace) : null;
        var atSecond = SpreadObservationFactory.TruncateToSecond(at).ToUnixTimeSeconds();
        var waitFrom = (time.GetUtcNow() - options.Value.AlertGrace).ToUnixTimeSeconds();
        var maxCatchUp = (long)options.Value.AlertMaxCatchUp.TotalSeconds;
        var transitions = new List<SpreadAlertTransition>();

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginSerializedAsync(connection, cancellationToken);
        foreach (var book in books)
        {
            var bookRules = rules.Where(r => r.Book == book).ToList();
            var tracks = await LoadTracksAsync(connection, transaction, book, cancellationToken);
            transitions.AddRange(await ResolveRemovedRulesAsync(connection, transaction, book, bookRules, tracks, atSecond, run, delivery, cancellationToken));
            if (bookRules.Count == 0) continue;

            var newest = await ScalarAsync(connection, transaction, "SELECT MAX(second) FROM observations WHERE book = @book", book, cancellationToken);
            var through = Math.Max(atSecond, newest ?? atSecond);
            foreach (var rule in bookRules)
            {
                var key = SqlValues.Threshold(rule.ThresholdPct);
                // A new rule starts with the seconds still within the grace, not at the second of whichever run came
                // first: overlapping runs arrive in any order, and starting at a later run's second skipped the earlier
                // ones (found by the generated-series test); seconds with no observation there only wait out the grace.
                if (!tracks.TryGetValue(key, out var track))
                    tracks[key] = track = new SpreadAlertTrack { Watermark = Math.Min(atSecond, waitFrom) - 1 };
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

    private sealed record PendingDelivery(DateTimeOffset RedeliverFrom);

    private static async Task<SpreadAlertTransition> ApplyAsync(
        DbConnection connection, DbTransaction transaction, SpreadAlertTrack track, SpreadAlertTransition transition, RunInfo run, PendingDelivery? delivery,
        CancellationToken cancellationToken)
    {
        long alertId;
        if (transition.Kind == AlertTransitionKind.Opened)
        {
            await using var insert = SqlValues.Command(connection, """
                INSERT INTO spread_alerts (book, threshold_pct, first_above_at, opened_at, peak_spread_pct, peak_at, workflow_id, workflow_version, run_id)
                VALUES (@book, @threshold, @first, @opened, @peak, @peakAt, @workflow, @version, @run)
                RETURNING id
                """, transaction);
            insert.Text("book", transition.Book).Text("threshold", SqlValues.Threshold(transition.ThresholdPct))
                .Int64("first", SqlValues.Seconds(transition.FirstAboveAt)).Int64("opened", SqlValues.Seconds(transition.At))
                .DecimalText("peak", transition.PeakSpreadPct).Int64("peakAt", SqlValues.Seconds(transition.PeakAt))
                .Text("workflow", run.WorkflowId).Int32("version", run.WorkflowVersion).Text("run", run.RunId);
            alertId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            track.OpenAlertId = alertId;
        }
        else
        {
            alertId = track.OpenAlertId ?? throw new InvalidOperationException($"Resolving an alert of {transition.Book} above {transition.ThresholdPct} % that has no row.");
            await using var update = SqlValues.Command(connection,
                "UPDATE spread_alerts SET resolved_at = @resolved, peak_spread_pct = @peak, peak_at = @peakAt WHERE id = @id", transaction);
            update.Int64("resolved", SqlValues.Seconds(transition.At)).DecimalText("peak", transition.PeakSpreadPct)
                .Int64("peakAt", SqlValues.Seconds(transition.PeakAt)).Int64("id", alertId);
            await update.ExecuteNonQueryAsync(cancellationToken);
            track.OpenAlertId = null;
        }
        var eventId = await InsertEventAsync(connection, transaction, alertId, transition.Kind, transition.At, transition.SpreadPct, run.RunId, delivery, cancellationToken);
        return transition with { AlertId = alertId, EventId = eventId };
    }

    // A threshold dropped from the rules (a new workflow version) resolves its open alert now instead of leaving it open forever.
    private static async Task<List<SpreadAlertTransition>> ResolveRemovedRulesAsync(
        DbConnection connection, DbTransaction transaction, string book, List<SpreadAlertRule> bookRules, Dictionary<string, SpreadAlertTrack> tracks,
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
            await using var delete = SqlValues.Command(connection, "DELETE FROM spread_alert_state WHERE book = @book AND threshold_pct = @threshold", transaction);
            delete.Text("book", book).Text("threshold", threshold);
            await delete.ExecuteNonQueryAsync(cancellationToken);
            tracks.Remove(threshold);
        }
        return resolved;
    }

    private static async Task<long> InsertEventAsync(
        DbConnection connection, DbTransaction transaction, long alertId, AlertTransitionKind kind, DateTimeOffset at, decimal? spreadPct, string runId,
        PendingDelivery? delivery, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, """
            INSERT INTO spread_alert_events (alert_id, kind, at, spread_pct, run_id, webhook_status, webhook_next_at_ms)
            VALUES (@alert, @kind, @at, @pct, @run, @status, @next) RETURNING id
            """, transaction);
        command.Text("status", delivery is null ? "none" : "pending").Int64("next", delivery?.RedeliverFrom.ToUnixTimeMilliseconds())
            .Int64("alert", alertId).Text("kind", kind.ToString().ToLowerInvariant()).Int64("at", SqlValues.Seconds(at))
            .DecimalText("pct", spreadPct).Text("run", runId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<Dictionary<string, SpreadAlertTrack>> LoadTracksAsync(
        DbConnection connection, DbTransaction transaction, string book, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, """
            SELECT s.threshold_pct, s.watermark, s.streak, s.streak_start, s.streak_peak, s.streak_peak_at, s.open_alert_id, s.last_resolved_at,
                   a.peak_spread_pct AS open_peak, a.peak_at AS open_peak_at, a.first_above_at AS open_first_above_at
            FROM spread_alert_state s LEFT JOIN spread_alerts a ON a.id = s.open_alert_id
            WHERE s.book = @book
            """, transaction);
        command.Text("book", book);
        var tracks = new Dictionary<string, SpreadAlertTrack>(StringComparer.Ordinal);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var openId = r.Int64OrNull("open_alert_id");
            tracks[r.Text("threshold_pct")] = new SpreadAlertTrack
            {
                Watermark = r.Int64("watermark"),
                Streak = r.Int32("streak"),
                StreakStart = r.Int64OrNull("streak_start"),
                StreakPeak = r.DecimalOrNull("streak_peak"),
                StreakPeakAt = r.Int64OrNull("streak_peak_at"),
                IsOpen = openId is not null,
                OpenAlertId = openId,
                LastResolvedAt = r.Int64OrNull("last_resolved_at"),
                OpenPeak = r.DecimalOrNull("open_peak"),
                OpenPeakAt = r.Int64OrNull("open_peak_at"),
                OpenFirstAboveAt = r.Int64OrNull("open_first_above_at"),
            };
        }
        return tracks;
    }

    private static async Task SaveTrackAsync(
        DbConnection connection, DbTransaction transaction, string book, decimal threshold, SpreadAlertTrack track, bool peakChanged,
        CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, """
            INSERT INTO spread_alert_state (book, threshold_pct, watermark, streak, streak_start, streak_peak, streak_peak_at, open_alert_id, last_resolved_at)
            VALUES (@book, @threshold, @watermark, @streak, @streakStart, @streakPeak, @streakPeakAt, @open, @lastResolved)
            ON CONFLICT (book, threshold_pct) DO UPDATE SET
                watermark = excluded.watermark, streak = excluded.streak, streak_start = excluded.streak_start, streak_peak = excluded.streak_peak,
                streak_peak_at = excluded.streak_peak_at, open_alert_id = excluded.open_alert_id, last_resolved_at = excluded.last_resolved_at
            """, transaction);
        command.Text("book", book).Text("threshold", SqlValues.Threshold(threshold)).Int64("watermark", track.Watermark).Int32("streak", track.Streak)
            .Int64("streakStart", track.StreakStart).DecimalText("streakPeak", track.StreakPeak).Int64("streakPeakAt", track.StreakPeakAt)
            .Int64("open", track.IsOpen ? track.OpenAlertId : null).Int64("lastResolved", track.LastResolvedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);

        // The open alert's row holds its peak so far; it only needs writing when this run raised the peak (or opened the
        // alert, whose row then already holds the peak it opened with). Opening and resolving write the peak themselves.
        if (peakChanged && track is { IsOpen: true, OpenAlertId: { } alertId, OpenPeak: { } peak })
        {
            await using var peakUpdate = SqlValues.Command(connection,
                "UPDATE spread_alerts SET peak_spread_pct = @peak, peak_at = @peakAt WHERE id = @id", transaction);
            peakUpdate.DecimalText("peak", peak).Int64("peakAt", track.OpenPeakAt).Int64("id", alertId);
            await peakUpdate.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<Dictionary<long, SpreadObservation>> LoadObservationsAsync(
        DbConnection connection, DbTransaction transaction, string book, long from, long through, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection,
            $"SELECT {ObservationStore.SelectColumns} FROM observations WHERE book = @book AND second >= @from AND second <= @through", transaction);
        command.Text("book", book).Int64("from", from).Int64("through", through);
        var rows = await ObservationStore.ReadAllAsync(command, cancellationToken);
        return rows.ToDictionary(o => o.Second.ToUnixTimeSeconds());
    }

    private static async Task<long?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, string? book, CancellationToken cancellationToken)
    {
        await using var command = SqlValues.Command(connection, sql, transaction);
        if (book is not null) command.Text("book", book);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
