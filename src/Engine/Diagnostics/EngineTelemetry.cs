using System.Diagnostics;
using System.Diagnostics.Metrics;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Diagnostics;

/// <summary>
/// The engine's meter and activity source, named <see cref="Name"/>: run and activity counts and durations, fire
/// offsets and missed intervals. Labels are bounded (workflow, trigger kind, status, activity type), never a run id.
/// Exporting is the host's business; the engine only measures (System.Diagnostics, no OpenTelemetry package).
/// </summary>
public sealed class EngineTelemetry : IDisposable
{
    /// <summary>The name of the engine's <see cref="Meter"/> and <see cref="ActivitySource"/>.</summary>
    public const string Name = "BitsoWorkflows.Engine";

    /// <summary>Why a due interval was recorded as missed, as the <c>workflow.missed.reason</c> label.</summary>
    public static class MissedReasons
    {
        public const string LateFire = "late_fire";
        public const string NotFired = "not_fired";
        public const string ServerDown = "server_down";
        public const string Busy = "busy";
    }

    /// <summary>Spans: one per run (a trace of its own) and one per activity attempt inside it.</summary>
    public static readonly ActivitySource Source = new(Name);

    // Seconds from a millisecond to a minute: fires are late by milliseconds, activities take up to minutes.
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Meter _meter;
    private readonly Counter<long> _runsStarted;
    private readonly Counter<long> _runsEnded;
    private readonly Histogram<double> _runDuration;
    private readonly UpDownCounter<long> _activeRuns;
    private readonly Histogram<double> _activityDuration;
    private readonly Histogram<double> _fireOffset;
    private readonly Counter<long> _missed;

    public EngineTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _runsStarted = _meter.CreateCounter<long>("workflow.run.started", "{run}", "Runs that began executing.");
        _runsEnded = _meter.CreateCounter<long>("workflow.run.ended", "{run}", "Runs that ended, by final status (missed intervals included).");
        _runDuration = _meter.CreateHistogram("workflow.run.duration", "s", "From a run's start to its end.", advice: seconds);
        _activeRuns = _meter.CreateUpDownCounter<long>("workflow.run.active", "{run}", "Runs executing now.");
        _activityDuration = _meter.CreateHistogram("workflow.activity.duration", "s", "One activity attempt, from start to end.", advice: seconds);
        _fireOffset = _meter.CreateHistogram("workflow.scheduler.fire_offset", "s", "How late a scheduled fire began after its due time.", advice: seconds);
        _missed = _meter.CreateCounter<long>("workflow.scheduler.missed", "{interval}", "Due intervals that never ran (late or skipped fires, downtime, busy).");
        Recent = new RecentFireOffsets();
    }

    /// <summary>The fire offsets of the last minutes, for the Studio's System page (no scrape needed).</summary>
    public RecentFireOffsets Recent { get; }

    public void RunStarted(string workflowId, TriggerKind trigger)
    {
        _runsStarted.Add(1, Workflow(workflowId), Trigger(trigger));
        _activeRuns.Add(1, Workflow(workflowId));
    }

    /// <summary>A run that had started ended; <paramref name="duration"/> from its start.</summary>
    public void RunEnded(string workflowId, TriggerKind trigger, RunStatus status, TimeSpan duration)
    {
        _activeRuns.Add(-1, Workflow(workflowId));
        _runsEnded.Add(1, Workflow(workflowId), Trigger(trigger), Status(status));
        _runDuration.Record(duration.TotalSeconds, Workflow(workflowId), Status(status));
    }

    /// <summary>A run that ended without starting: cancelled or interrupted while queued.</summary>
    public void RunEndedUnstarted(string workflowId, TriggerKind trigger, RunStatus status) =>
        _runsEnded.Add(1, Workflow(workflowId), Trigger(trigger), Status(status));

    /// <summary>A due interval recorded as missed: counted as a missed interval and as a run that ended missed.</summary>
    public void IntervalMissed(string workflowId, string reason)
    {
        _missed.Add(1, Workflow(workflowId), new KeyValuePair<string, object?>("workflow.missed.reason", reason));
        _runsEnded.Add(1, Workflow(workflowId), Trigger(TriggerKind.Schedule), Status(RunStatus.Missed));
    }

    public void ActivityAttempted(string workflowId, string activityType, ActivityStatus status, TimeSpan duration) =>
        _activityDuration.Record(duration.TotalSeconds, Workflow(workflowId),
            new KeyValuePair<string, object?>("workflow.activity.type", activityType),
            new KeyValuePair<string, object?>("workflow.activity.status", Lower(status.ToString())));

    /// <summary>A scheduled fire began <paramref name="offset"/> after its due time.</summary>
    public void FireOffset(string workflowId, TimeSpan offset, DateTimeOffset now)
    {
        var seconds = Math.Max(0, offset.TotalSeconds);
        _fireOffset.Record(seconds, Workflow(workflowId));
        Recent.Add(now, seconds);
    }

    /// <summary>Reports <paramref name="pending"/> as <c>workflow.store.queued_writes</c> whenever metrics are collected.</summary>
    public void ObserveQueuedWrites(Func<int> pending) =>
        _meter.CreateObservableUpDownCounter("workflow.store.queued_writes", () => (long)pending(), "{write}", "Run and activity writes waiting for the store's next batch.");

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> Workflow(string workflowId) => new("workflow.id", workflowId);

    private static KeyValuePair<string, object?> Trigger(TriggerKind trigger) => new("workflow.trigger", Lower(trigger.ToString()));

    private static KeyValuePair<string, object?> Status(RunStatus status) => new("workflow.run.status", Lower(status.ToString()));

    private static string Lower(string value) => value.ToLowerInvariant();
}
