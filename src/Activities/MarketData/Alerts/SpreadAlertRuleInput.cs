using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>Per-book overrides of the alert defaults; unset fields keep the workflow-wide values.</summary>
public sealed class SpreadAlertRuleInput
{
    [Input(Description = "The book these rules apply to, e.g. usd_mxn.", Required = true)]
    public string Book { get; init; } = "";

    [Input(Description = "Thresholds in percent for this book, replacing the workflow-wide list.")]
    public decimal[]? Thresholds { get; init; }

    [Input(Description = "Seconds in a row above a threshold before an alert opens.")]
    public int? MinConsecutiveSeconds { get; init; }

    [Input(Description = "After an alert resolves, no new alert for that threshold opens for this long (hh:mm:ss).")]
    public TimeSpan? Cooldown { get; init; }
}
