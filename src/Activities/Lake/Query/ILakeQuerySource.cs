namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Tables a query over the lake can see: the lake's <c>spreads</c> view and the master-data warehouse's tables
/// (one view per table over its published Parquet under <c>lake/warehouse/</c>). Register implementations as
/// <c>ILakeQuerySource</c> singletons; the query service's in-memory DuckDB runs their statements first, then is locked down,
/// and is rebuilt when the statements change.
/// </summary>
public interface ILakeQuerySource
{
    /// <summary>Folders the views read when queried; after the lockdown DuckDB may read these and nothing else.</summary>
    IReadOnlyList<string> ReadableFolders { get; }

    /// <summary>Statements that create the views (or attach databases read-only), run before the lockdown and the user's SQL.</summary>
    IReadOnlyList<string> SetupStatements();
}
