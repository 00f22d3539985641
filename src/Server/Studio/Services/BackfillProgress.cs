namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>How far a backfill got.</summary>
public sealed record BackfillProgress(string Id, string WorkflowId, int Total, int Succeeded, int Failed, int Running, string Status, bool IsFinished);
