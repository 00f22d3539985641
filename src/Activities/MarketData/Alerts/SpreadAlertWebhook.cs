using System.Net.Http.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>
/// POSTs alert events as JSON to a webhook URL, retrying with exponential backoff; the outcome is returned so the
/// caller records it (a failed delivery never fails the run: the alert itself is already committed). Targets are
/// checked by <see cref="WebhookTargetRule"/> under <see cref="AlertsOptions"/>.
/// Delivery is at least once: a retry after a lost answer, or a redelivery after a crash, sends the same event again,
/// always with the same id (the <see cref="EventIdHeader"/> header and the body's <c>eventId</c>) so receivers can drop it.
/// </summary>
public sealed class SpreadAlertWebhook(IOptions<MarketDataOptions> options, IOptions<AlertsOptions> targets, TimeProvider time) : IDisposable
{
    /// <summary>Header carrying the event's stable id, the same on every attempt and redelivery.</summary>
    public const string EventIdHeader = "X-Event-Id";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http = new(WebhookTargetRule.CreateHandler(targets.Value.AllowPrivateWebhookTargets, targets.Value.FollowWebhookRedirects))
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Delivers one event; returns whether it was accepted (2xx), the attempts made and the last error.</summary>
    public Task<(bool Delivered, int Attempts, string? Error)> DeliverAsync(Uri url, SpreadAlertTransition transition, RunInfo run, CancellationToken cancellationToken) =>
        DeliverAsync(url, transition, run.WorkflowId, run.WorkflowVersion, run.RunId, redelivery: false, cancellationToken);

    /// <summary>Delivers an event again, as the workflow version and run that raised it (the body says <c>redelivery: true</c>).</summary>
    public Task<(bool Delivered, int Attempts, string? Error)> RedeliverAsync(Uri url, AlertRedelivery due, CancellationToken cancellationToken) =>
        DeliverAsync(url, due.Transition, due.WorkflowId, due.WorkflowVersion, due.RunId, redelivery: true, cancellationToken);

    private async Task<(bool Delivered, int Attempts, string? Error)> DeliverAsync(
        Uri url, SpreadAlertTransition transition, string workflowId, int workflowVersion, string runId, bool redelivery, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(url, transition, workflowId, workflowVersion, runId, redelivery, cancellationToken);
        Diagnostics.ActivitiesMetrics.WebhookDelivered(outcome.Delivered, redelivery);
        return outcome;
    }

    private async Task<(bool Delivered, int Attempts, string? Error)> SendAsync(
        Uri url, SpreadAlertTransition transition, string workflowId, int workflowVersion, string runId, bool redelivery, CancellationToken cancellationToken)
    {
        var eventId = transition.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = new
        {
            eventId,
            @event = transition.Kind == AlertTransitionKind.Opened ? "spread_alert.opened" : "spread_alert.resolved",
            alertId = transition.AlertId,
            book = transition.Book,
            thresholdPct = transition.ThresholdPct,
            at = transition.At,
            spreadPct = transition.SpreadPct,
            peakSpreadPct = transition.PeakSpreadPct,
            firstAboveAt = transition.FirstAboveAt,
            workflowId,
            workflowVersion,
            runId,
            redelivery,
            message = transition.ToString(),
        };
        string? error = null;
        var attempts = Math.Max(1, options.Value.WebhookAttempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Value.WebhookTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
                request.Headers.Add(EventIdHeader, eventId);
                using var response = await _http.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    CrashPoint.Reach(CrashPoint.WebhookAccepted);
                    return (true, attempt, null);
                }
                // A redirect is not followed (unless Alerts:FollowWebhookRedirects): it is a failed delivery.
                error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no answer within {options.Value.WebhookTimeout.TotalSeconds:0.#} s";
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
                // A refused target stays refused: retrying would only knock on the same door again.
                if (WebhookTargetRule.Refusal(e) is { } refusal) return (false, attempt, refusal.Message);
            }
            if (attempt < attempts)
                await Task.Delay(FirstBackoff * Math.Pow(2, attempt - 1), time, cancellationToken);
        }
        return (false, attempts, error);
    }

    public void Dispose() => _http.Dispose();
}
