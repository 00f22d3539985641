namespace BitsoWorkflows.Engine.Execution;

/// <summary>Why a run exists.</summary>
public enum TriggerKind
{
    Schedule,
    Manual,
    Backfill,
    Catchup,
}
