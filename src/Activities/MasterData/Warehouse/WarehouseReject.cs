namespace BitsoWorkflows.Activities.MasterData.Warehouse;

/// <summary>A quarantined snapshot line: its source, line number in the file, why it was rejected and the line as read.</summary>
public sealed record WarehouseReject(string Source, long LineNumber, string Reason, string RawLine);
