namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>A persisted alert event and the outcome of its webhook delivery (<c>none</c>, <c>delivered</c> or <c>failed</c>).</summary>
public sealed record SpreadAlertEvent(
    long Id,
    long AlertId,
    AlertTransitionKind Kind,
    DateTimeOffset At,
    decimal? SpreadPct,
    string RunId,
    string WebhookStatus,
    int WebhookAttempts,
    string? WebhookError);
