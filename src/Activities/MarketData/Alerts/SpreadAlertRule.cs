namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>One effective rule: alert when <see cref="Book"/>'s spread is above <see cref="ThresholdPct"/> percent.</summary>
/// <param name="MinConsecutiveSeconds">Seconds in a row above the threshold before the alert opens (1 = at once).</param>
/// <param name="Cooldown">After an alert resolves, no new alert for the same book and threshold opens for this long.</param>
public sealed record SpreadAlertRule(string Book, decimal ThresholdPct, int MinConsecutiveSeconds, TimeSpan Cooldown);
