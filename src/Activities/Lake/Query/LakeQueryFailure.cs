namespace BitsoWorkflows.Activities.Lake;

/// <summary>Why a query over the lake did not answer; each surface maps it once (the API to 400, 413 or 429).</summary>
public enum LakeQueryFailure
{
    /// <summary>The guard refused the SQL: not one SELECT over the views, or a function or table outside the allow-list.</summary>
    Refused,

    /// <summary>The SQL does not parse or bind (DuckDB's message says why).</summary>
    Invalid,

    /// <summary>DuckDB failed while running it (e.g. a division by zero, a cast).</summary>
    Failed,

    /// <summary>It ran longer than <see cref="LakeOptions.QueryTimeout"/>.</summary>
    TimedOut,

    /// <summary>It needed more memory than <see cref="LakeOptions.MemoryLimit"/>.</summary>
    OutOfMemory,

    /// <summary>The SQL text is longer than the guard reads.</summary>
    TooLarge,

    /// <summary>All <see cref="LakeOptions.MaxConcurrentQueries"/> slots stayed busy; try again after <see cref="LakeQueryException.RetryAfter"/>.</summary>
    Busy,
}
