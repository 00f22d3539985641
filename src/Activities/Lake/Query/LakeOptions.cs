namespace BitsoWorkflows.Activities.Lake;

/// <summary>Limits of SQL over the lake (section <c>Lake</c>); each one, when reached, answers with an error naming it.</summary>
public sealed class LakeOptions
{
    public const string SectionName = "Lake";

    public const int DefaultMaxRows = 10_000;

    public const long DefaultMaxResultBytes = 16 * 1024 * 1024;

    public const int DefaultMaxConcurrentQueries = 2;

    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultQueueTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Rows a query returns at most; the result says when it was cut off.</summary>
    public int MaxRows { get; set; } = DefaultMaxRows;

    /// <summary>Bytes of values a query returns at most (strings and blobs by length, other values by their size); the result says when it was cut off.</summary>
    public long MaxResultBytes { get; set; } = DefaultMaxResultBytes;

    /// <summary>A query running longer — parsing, checking, running and reading included — is interrupted.</summary>
    public TimeSpan QueryTimeout { get; set; } = DefaultQueryTimeout;

    /// <summary>
    /// Memory for query work, e.g. <c>512MB</c>: DuckDB's <c>memory_limit</c> (it spills to a temporary folder or fails
    /// the query), and the growth of the process's memory past which running queries are interrupted.
    /// </summary>
    public string MemoryLimit { get; set; } = "512MB";

    /// <summary>Queries that run at once; a further one waits up to <see cref="QueueTimeout"/> for a slot, then is turned away (HTTP 429).</summary>
    public int MaxConcurrentQueries { get; set; } = DefaultMaxConcurrentQueries;

    /// <summary>How long a query waits for a free slot.</summary>
    public TimeSpan QueueTimeout { get; set; } = DefaultQueueTimeout;

    /// <summary>DuckDB threads per query; the default 1 leaves the other cores to the scheduler and the per-second capture.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>The Linux nice value (0–19) of a query's thread: higher yields the CPU to the scheduler and the capture first; 0 leaves it as is.</summary>
    public int Nice { get; set; } = 10;
}
