using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>The figures of the System page at one moment (<see cref="SystemFigures"/>).</summary>
public sealed record SystemSnapshot
{
    public required string Node { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required TimeSpan Uptime { get; init; }

    public required bool EngineReady { get; init; }

    public required bool SchedulerEnabled { get; init; }

    public required bool Clustered { get; init; }

    public required int ScheduledWorkflows { get; init; }

    public required int PausedWorkflows { get; init; }

    /// <summary>Median lateness of scheduled fires over the last ten minutes in this process; null when none fired.</summary>
    public required TimeSpan? FireOffsetP50 { get; init; }

    public required TimeSpan? FireOffsetP99 { get; init; }

    public required int FireCount { get; init; }

    /// <summary>p99 fire offset in seconds of each of the last ten minutes, oldest first, for the chart.</summary>
    public required IReadOnlyList<double> FireOffsetP99PerMinute { get; init; }

    public required int MissedLastHour { get; init; }

    /// <summary>Missed intervals in each minute of the last hour, oldest first (60 values), for the chart.</summary>
    public required IReadOnlyList<double> MissedPerMinute { get; init; }

    public required IReadOnlyList<BookLatency> CaptureLatency { get; init; }

    public required int OpenAlerts { get; init; }

    public required int RunsStored { get; init; }

    public required string StoreProvider { get; init; }

    public required IReadOnlyList<DataFolder> Folders { get; init; }

    public required RunRecord? LastCompaction { get; init; }

    public required RunRecord? LastDailyLoad { get; init; }

    /// <summary>Where the market data lives: the SQLite file, or the PostgreSQL schema shared by the nodes.</summary>
    public required string MarketStore { get; init; }

    /// <summary>Every node that recorded itself alive in the store, by name (this one included).</summary>
    public required IReadOnlyList<Api.NodeDto> Nodes { get; init; }

    /// <summary>A node unseen this long is taken for dead and its runs are ended by the others.</summary>
    public required TimeSpan NodeDeadAfter { get; init; }
}
