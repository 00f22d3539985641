namespace BitsoWorkflows.Activities.Lake;

/// <summary>Limits of SQL over the lake (section <c>Lake</c>).</summary>
public sealed class LakeOptions
{
    public const string SectionName = "Lake";

    public const int DefaultMaxRows = 10_000;

    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Rows a query returns at most; the result says when it was cut off.</summary>
    public int MaxRows { get; set; } = DefaultMaxRows;

    /// <summary>A query running longer is interrupted.</summary>
    public TimeSpan QueryTimeout { get; set; } = DefaultQueryTimeout;

    /// <summary>DuckDB's memory limit for one query, e.g. <c>1GB</c>; empty for DuckDB's default (80 % of RAM).</summary>
    public string MemoryLimit { get; set; } = "1GB";
}
