namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>The Parquet files of the model, and whether they were already current so nothing was written.</summary>
public sealed record PublishResult(string Folder, IReadOnlyList<string> Files, bool Skipped);
