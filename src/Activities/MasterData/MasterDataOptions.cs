namespace BitsoWorkflows.Activities.MasterData;

/// <summary>Where the master-data warehouse lives and where the default snapshots are downloaded from.</summary>
public sealed class MasterDataOptions
{
    public const string SectionName = "MasterData";

    public const string DefaultUsersUrl = "https://raw.githubusercontent.com/IMARVI/sr_de_challenge/main/user_id_sample_data.csv";
    public const string DefaultWithdrawalsUrl = "https://raw.githubusercontent.com/IMARVI/sr_de_challenge/main/withdrawals_sample_data.csv";
    public const string DefaultEventsUrl = "https://raw.githubusercontent.com/IMARVI/sr_de_challenge/main/event_sample_data.csv";
    public static readonly TimeSpan DefaultDownloadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// DuckDB's memory limit by default. The master-data bench's full load (1 M deposits, 5 M events) peaked at 836–974 MiB
    /// of working set with it in fifteen runs and at 908–1,115 MiB (over 1 GiB in five runs of nine) at 768 MiB, the
    /// default before; at 512 MiB 860–923 MiB, but it spilled and took 1–2 s longer. About 300 MiB of the process is not
    /// DuckDB's buffer pool.
    /// </summary>
    public const int DefaultMemoryLimitMiB = 640;

    public const string DefaultDepositsUrl = "https://github.com/IMARVI/sr_de_challenge/raw/main/deposit_sample_data.csv.zip";

    /// <summary>The DuckDB file, relative to the data dir.</summary>
    public string WarehouseFile { get; set; } = Path.Combine("warehouse", "master-data.duckdb");

    /// <summary>URL of the user snapshot used when a run has no <c>sourceDir</c>.</summary>
    public string UsersUrl { get; set; } = DefaultUsersUrl;

    /// <summary>URL of the withdrawal snapshot used when a run has no <c>sourceDir</c>.</summary>
    public string WithdrawalsUrl { get; set; } = DefaultWithdrawalsUrl;

    /// <summary>URL of the event snapshot used when a run has no <c>sourceDir</c>.</summary>
    public string EventsUrl { get; set; } = DefaultEventsUrl;

    /// <summary>URL of the zipped deposit snapshot used when a run has no <c>sourceDir</c>.</summary>
    public string DepositsUrl { get; set; } = DefaultDepositsUrl;

    /// <summary>
    /// DuckDB's memory limit in MiB (its buffer pool: staged rows, hash tables, sorts). Beyond it DuckDB spills to
    /// <c>tmp</c> beside the warehouse file instead of growing; at the default a full load peaks below 1 GiB of resident memory.
    /// </summary>
    public int MemoryLimitMiB { get; set; } = DefaultMemoryLimitMiB;

    /// <summary>
    /// DuckDB threads of the warehouse (loads, model, questions); 0, the default, is one per core. Fewer leave cores to
    /// the per-second capture while a daily load runs, at the cost of a slower load.
    /// </summary>
    public int Threads { get; set; }

    public static readonly TimeSpan DefaultKeepOpen = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the warehouse's DuckDB instance stays open after it was last opened. A run's activities follow one another
    /// within milliseconds; closing the instance between them checkpointed it each time and left the next with a cold
    /// buffer pool, about 0.2 s of a daily run (1.12–1.42 s, 0.89–0.93 s kept open, measured on the bench). Another
    /// process (the CLI) waits this long, plus a second, for the file before it reports it busy. 0 closes at once.
    /// </summary>
    public TimeSpan KeepOpen { get; set; } = DefaultKeepOpen;

    /// <summary>How long one snapshot download may take.</summary>
    public TimeSpan DownloadTimeout { get; set; } = DefaultDownloadTimeout;
}
