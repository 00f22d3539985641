namespace BitsoWorkflows.Engine.Execution;

/// <summary>Why a run exists.</summary>
public enum TriggerKind
{
    Schedule,
    Manual,
    Backfill,
    Catchup,

    /// <summary>Started because the assets of its trigger were produced.</summary>
    Asset,
}
