namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>What happened to an alert: the events delivered to the journal, the log and the webhook.</summary>
public enum AlertTransitionKind
{
    Opened,
    Resolved,
}
