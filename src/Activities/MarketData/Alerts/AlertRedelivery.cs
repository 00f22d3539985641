namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>An alert event whose webhook delivery is due again, with the workflow and run that raised it.</summary>
/// <param name="Round">Which delivery round this is (1 was the raising run's own).</param>
public sealed record AlertRedelivery(SpreadAlertTransition Transition, string WorkflowId, int WorkflowVersion, string RunId, int Round);
