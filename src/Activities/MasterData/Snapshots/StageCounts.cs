namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>What staging one snapshot file saw: rows read, rejected (unparsable), outside the run's window, and staged.</summary>
internal sealed record StageCounts(long Read, long Rejected, long OutsideWindow, long Staged, long NonPositiveAmounts);
