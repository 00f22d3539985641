using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Engine.ActivityModel;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Activities.MarketData;

/// <summary>
/// Opens an alert when a book's spread goes above a threshold and resolves it when it falls back, one event per
/// crossing. State lives in the database (see <see cref="SpreadAlertStateStore"/>), so overlapping or out-of-order
/// per-second runs agree. Events go to the run journal, the log and the optional webhook (its outcome and redeliveries
/// in <see cref="AlertDeliveryOutbox"/>).
/// </summary>
[Activity("EvaluateSpreadAlerts", Category = "Market data", Description = "Opens and resolves spread alerts from the recorded observations.")]
public sealed partial class EvaluateSpreadAlerts(SpreadAlertStateStore alerts, AlertDeliveryOutbox outbox, SpreadAlertWebhook webhook, ILogger<EvaluateSpreadAlerts> logger)
    : Activity<EvaluateSpreadAlertsInput, EvaluateSpreadAlertsOutput>
{
    /// <summary>Earlier events one run delivers again at most, so a dead webhook cannot slow the per-second run much.</summary>
    public const int RedeliveriesPerRun = 2;

    public override async Task<EvaluateSpreadAlertsOutput> ExecuteAsync(ActivityContext<EvaluateSpreadAlertsInput> context, CancellationToken cancellationToken)
    {
        var rules = SpreadAlertRuleResolver.Resolve(context.Input);
        var at = context.Input.At ?? context.LogicalTime;
        Uri? url = string.IsNullOrWhiteSpace(context.Input.WebhookUrl) ? null : new Uri(context.Input.WebhookUrl);
        var result = await alerts.EvaluateAsync(context.Input.Books, rules, at, context.Run, cancellationToken, webhook: url is not null);

        var failures = 0;
        foreach (var transition in result.Transitions)
        {
            if (transition.Kind == AlertTransitionKind.Opened) context.Journal.Warning(transition.ToString());
            else context.Journal.Info(transition.ToString());
            LogTransition(logger, transition.Kind, transition.Book, transition.ThresholdPct, transition.At, transition.SpreadPct, context.Run.RunId);
            if (url is null) continue;

            var (delivered, attempts, error) = await webhook.DeliverAsync(url, transition, context.Run, cancellationToken);
            await outbox.RecordDeliveryAsync(transition.EventId, delivered, attempts, error, cancellationToken);
            if (delivered) continue;
            failures++;
            context.Journal.Error($"Webhook delivery of alert {transition.AlertId} ({transition.Kind}) failed after {attempts} attempts: {error}");
        }

        // Events a webhook refused earlier (or a crashed run never sent) are tried again on their backoff, a few per run.
        var redelivered = 0;
        if (url is not null)
        {
            foreach (var due in await outbox.ClaimRedeliveriesAsync(RedeliveriesPerRun, cancellationToken))
            {
                var (delivered, attempts, error) = await webhook.RedeliverAsync(url, due, cancellationToken);
                await outbox.RecordDeliveryAsync(due.Transition.EventId, delivered, attempts, error, cancellationToken);
                if (delivered)
                {
                    redelivered++;
                    context.Journal.Info($"Webhook delivery of alert {due.Transition.AlertId} ({due.Transition.Kind}) succeeded in round {due.Round}.");
                }
                else
                {
                    failures++;
                    context.Journal.Error($"Webhook delivery of alert {due.Transition.AlertId} ({due.Transition.Kind}) failed again in round {due.Round}: {error}");
                }
            }
        }

        return new EvaluateSpreadAlertsOutput
        {
            Redelivered = redelivered,
            Opened = result.Transitions.Count(t => t.Kind == AlertTransitionKind.Opened),
            Resolved = result.Transitions.Count(t => t.Kind == AlertTransitionKind.Resolved),
            Open = result.OpenAlerts,
            DeliveryFailures = failures,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spread alert {Kind}: {Book} above {ThresholdPct} % at {At} (spread {SpreadPct} %), run {RunId}")]
    private static partial void LogTransition(ILogger logger, AlertTransitionKind kind, string book, decimal thresholdPct, DateTimeOffset at, decimal? spreadPct, string runId);
}
