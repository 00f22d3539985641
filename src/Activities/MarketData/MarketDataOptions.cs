namespace BitsoWorkflows.Activities.MarketData;

/// <summary>Settings of the per-second capture and its staging database (section <c>MarketData</c>).</summary>
public sealed class MarketDataOptions
{
    public const string SectionName = "MarketData";

    public const string DefaultDatabaseFile = "market-data/market.db";

    public const string DefaultPostgresSchema = "market";

    /// <summary>The SQLite file of observations and alerts, relative to the data dir (the embedded store only).</summary>
    public string DatabaseFile { get; set; } = DefaultDatabaseFile;

    /// <summary>
    /// With <c>Store:Provider postgres</c>: the schema of the store's database that holds observations, alerts, alert
    /// state and the webhook outbox, shared by every node (created at start when missing).
    /// </summary>
    public string PostgresSchema { get; set; } = DefaultPostgresSchema;

    /// <summary>
    /// <c>true</c> (default): every commit is flushed to disk (survives power loss, not only a process crash).
    /// <c>false</c>: WAL with <c>synchronous=NORMAL</c>, faster, still safe against a process crash.
    /// </summary>
    public bool DurableCommits { get; set; } = true;

    /// <summary>
    /// A capture that runs later than this after its logical second cannot know that second's live book: its quote is
    /// recorded as stale, and never replaces an observation already recorded for that second.
    /// </summary>
    public TimeSpan MaxCaptureLag { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How far back each capture looks for seconds no run captured (skipped by <c>maxActiveRuns</c>, downtime) to record
    /// them as <c>missed</c>; seconds within <see cref="MaxCaptureLag"/> are left to their own runs.
    /// </summary>
    public TimeSpan MissedLookback { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Seed of the simulated source; the same seed and start second give the same series.</summary>
    public int SimulatorSeed { get; set; } = 20240726;

    /// <summary>
    /// How long alert evaluation waits for a missing recent second (its capture may still be committing in an
    /// overlapping run) before treating it as having no data.
    /// </summary>
    public TimeSpan AlertGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The furthest back alert evaluation catches up when it finds it is behind.</summary>
    public TimeSpan AlertMaxCatchUp { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts of one webhook delivery (first try included).</summary>
    public int WebhookAttempts { get; set; } = 3;

    /// <summary>Timeout of one webhook attempt.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a pending webhook event is left to the run that raised it (and a claimed redelivery to the run that
    /// claimed it) before a later run may deliver it; it must outlast one run's attempts
    /// (<see cref="WebhookAttempts"/> × <see cref="WebhookTimeout"/>), or a slow delivery would be sent twice.
    /// </summary>
    public TimeSpan WebhookRedeliveryGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After a failed round of delivery of an event, the wait before the next; it doubles with each round.</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two rounds of delivery of an event.</summary>
    public TimeSpan WebhookRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
}
