namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>The four snapshot files the master data is built from.</summary>
public enum SnapshotSource
{
    Users,
    Deposits,
    Withdrawals,
    Events,
}
