namespace BitsoWorkflows.Activities.Lake;

/// <summary>What a query over the lake may name: the published views, and the system tables no CTE may shadow.</summary>
/// <param name="Relations">The views the query sources created (<c>spreads</c>, the warehouse tables).</param>
/// <param name="SystemNames">Every other table and view DuckDB knows (<c>duckdb_logs</c>, <c>information_schema</c>'s, …).</param>
public sealed record LakeQueryScope(IReadOnlySet<string> Relations, IReadOnlySet<string> SystemNames);
