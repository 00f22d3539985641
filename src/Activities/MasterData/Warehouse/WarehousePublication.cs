namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>The Parquet files a publish wrote under <see cref="Folder"/>; <see cref="Skipped"/> when nothing had changed.</summary>
public sealed record WarehousePublication(string Folder, IReadOnlyList<string> Files, bool Skipped);
