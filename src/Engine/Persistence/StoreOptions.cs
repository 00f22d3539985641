namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// Where the workflow store lives (configuration section <c>Store</c>): a SQLite file in the data dir by default,
/// or PostgreSQL when <see cref="Provider"/> is <c>postgres</c> (for several server nodes).
/// </summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite defaults to <c>workflows.db</c> in the data dir.</summary>
    public string? ConnectionString { get; set; }

    public static readonly TimeSpan DefaultAuditRetention = TimeSpan.FromDays(365);

    /// <summary>How long audit log entries are kept (default a year).</summary>
    public TimeSpan AuditRetention { get; set; } = DefaultAuditRetention;
}
