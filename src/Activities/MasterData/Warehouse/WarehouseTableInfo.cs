namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>One warehouse table for the Studio's data page: its kind (<c>model</c> or <c>load</c>), rows and last load.</summary>
public sealed record WarehouseTableInfo(string Name, string Kind, long Rows, DateTimeOffset? LastLoadedAt, DateOnly? LastLogicalDate, string? LastRunId, long? LastRowsChanged);
