namespace BitsoWorkflows.Activities.Lake;

/// <summary>A column of a query result: its name and DuckDB type (e.g. <c>DECIMAL(18,8)</c>, <c>TIMESTAMP WITH TIME ZONE</c>).</summary>
public sealed record LakeQueryColumn(string Name, string Type);
