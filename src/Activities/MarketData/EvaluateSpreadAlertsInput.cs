using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MarketData;

/// <summary>The alert rules of a workflow version; changing them is publishing a new version.</summary>
public sealed class EvaluateSpreadAlertsInput
{
    public static readonly decimal[] DefaultThresholds = [1.0m, 0.5m, 0.1m];

    [Input(Description = "Books to evaluate, e.g. btc_mxn.", Required = true)]
    public string[] Books { get; init; } = [];

    [Input(Description = "Spread thresholds in percent; an alert opens when a book's spread goes above one.")]
    public decimal[] Thresholds { get; init; } = DefaultThresholds;

    [Input(Description = "Per-book overrides: { book, thresholds?, minConsecutiveSeconds?, cooldown? }.")]
    public SpreadAlertRuleInput[] Rules { get; init; } = [];

    [Input(Description = "Seconds in a row above a threshold before an alert opens (1 = at once).")]
    public int MinConsecutiveSeconds { get; init; } = 1;

    [Input(Description = "After an alert resolves, no new alert for that book and threshold opens for this long (hh:mm:ss).")]
    public TimeSpan Cooldown { get; init; } = TimeSpan.Zero;

    [Input(Description = "The logical second to evaluate up to; defaults to the run's logical time.")]
    public DateTimeOffset? At { get; init; }

    [Input(Description = "Optional URL that receives each alert event as a JSON POST (retried; failures are recorded). Often carries a token, so it is redacted.", Secret = true)]
    public string? WebhookUrl { get; init; }
}
