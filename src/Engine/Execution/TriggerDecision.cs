namespace BitsoWorkflows.Engine.Execution;

/// <summary>What a trigger rule says about an activity given its upstream states so far.</summary>
public enum TriggerDecision
{
    /// <summary>Not decided yet: an upstream that matters is still pending.</summary>
    Wait,
    Run,
    Skip,
    UpstreamFailed,
}
