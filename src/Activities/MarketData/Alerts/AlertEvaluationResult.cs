namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>What one evaluation committed: the new alert events in order, and how many alerts are open afterwards.</summary>
public sealed record AlertEvaluationResult(IReadOnlyList<SpreadAlertTransition> Transitions, int OpenAlerts);
