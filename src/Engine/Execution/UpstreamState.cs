namespace BitsoWorkflows.Engine.Execution;

/// <summary>What an activity sees of one upstream edge: its source's final state, or a branch not taken (skipped).</summary>
public enum UpstreamState
{
    Pending,
    Succeeded,
    Failed,
    UpstreamFailed,
    Skipped,
}
