namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>Settings of the Quartz-based scheduler (configuration section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    /// <summary>Whether this server fires schedules at all (a node can serve the API and Studio only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz worker threads; a fire only starts a run, so a few suffice.</summary>
    public int ThreadCount { get; set; } = 8;

    /// <summary>How many caught-up or backfilled runs of one workflow the scheduler starts at once.</summary>
    public int CatchupParallelism { get; set; } = 2;

    /// <summary>Upper bound of intervals caught up for one workflow after downtime; older ones are left to a backfill.</summary>
    public int MaxCatchupIntervals { get; set; } = 5000;

    /// <summary>
    /// A fire of a workflow that fires at interval start (the per-second capture) that starts later than this after its
    /// interval began is recorded as missed instead of running late.
    /// </summary>
    public TimeSpan LateFireTolerance { get; set; } = TimeSpan.FromMilliseconds(900);

    /// <summary>How often Quartz triggers are compared with the published definitions (changes from the CLI or other nodes).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How late a Quartz trigger may be before Quartz treats it as misfired.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often asset-triggered workflows look for events produced on other nodes or by the CLI; events produced by
    /// this server are looked at as soon as they are recorded.
    /// </summary>
    public TimeSpan AssetPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often deadlines (a definition's <c>deadline</c>) are checked.</summary>
    public TimeSpan DeadlineCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back a deadline check looks for intervals that missed their deadline (e.g. after a restart).</summary>
    public TimeSpan DeadlineLookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Use Quartz clustering (several nodes, one schedule). Defaults to on with a PostgreSQL store.</summary>
    public bool? Clustered { get; set; }

    public static readonly TimeSpan DefaultClusterCheckinInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DefaultClusterCheckinMisfireThreshold = TimeSpan.FromMilliseconds(750);
    public static readonly TimeSpan DefaultClusterGapWindow = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultClaimOrphanAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In a cluster: how often each node records in the shared store that it is alive. With
    /// <see cref="ClusterCheckinMisfireThreshold"/> it bounds how soon the others take over the triggers of a node that
    /// died (Quartz's defaults, 7.5 s each, left the per-second workflow without a fire for 12–17 s; 500 ms / 1 s gave
    /// 1.8–2.2 s, 250 ms / 750 ms 1.2–1.5 s on a quiet machine).
    /// </summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = DefaultClusterCheckinInterval;

    /// <summary>In a cluster: how long past a missed check-in the other nodes wait before treating a node as dead.</summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = DefaultClusterCheckinMisfireThreshold;

    /// <summary>
    /// In a cluster: how far back each fire of a per-second workflow looks for seconds no node started or recorded, to
    /// record them missed. Must be longer than <see cref="ClaimOrphanAfter"/> plus the few seconds fires take to settle.
    /// </summary>
    public TimeSpan ClusterGapWindow { get; set; } = DefaultClusterGapWindow;

    /// <summary>
    /// In a cluster: how old a second's claim may get without its run being stored before the gap accounting decides
    /// the claiming node died in between and records the second missed in its place.
    /// </summary>
    public TimeSpan ClaimOrphanAfter { get; set; } = DefaultClaimOrphanAfter;

    /// <summary>How often a server records that it is alive (table <c>nodes</c>) and looks for runs of nodes that stopped.</summary>
    public TimeSpan NodeHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A node not seen alive for this long is taken for dead: another node ends the runs it left running or queued (marked
    /// interrupted, after the asset events a crash kept from being written). At least three heartbeats.
    /// </summary>
    public TimeSpan NodeDeadAfter { get; set; } = TimeSpan.FromSeconds(30);
}
