namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>What staging one snapshot file saw: rows read, rejected (unparsable) and outside the run's window.</summary>
internal sealed record StageCounts(long Read, long Rejected, long OutsideWindow);
