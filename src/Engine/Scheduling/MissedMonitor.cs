using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Raises an alert, once, for each whole UTC minute in which a workflow with <c>notify.on: missed</c> had at least
/// <c>notify.missedPerMinute</c> intervals recorded missed — the gaps of a per-second workflow, summed per minute so that
/// a bad hour sends 60 notifications, not 3,600. Looks back <see cref="SchedulerOptions.DeadlineLookback"/> (never before
/// the workflow's first publication) and waits <see cref="Settle"/> after a minute ends, for its last seconds to be
/// recorded; paused workflows are skipped.
/// </summary>
public sealed partial class MissedMonitor(
    WorkflowCatalog catalog,
    RunHistory history,
    MissedAlertStore alerts,
    IEnumerable<IRunEventListener> listeners,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<MissedMonitor> logger) : BackgroundService
{
    /// <summary>How long after a minute's end it is looked at: its last seconds' fires may still be recorded as missed.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private readonly IRunEventListener[] _listeners = [.. listeners];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        await PeriodicWork.RunAsync(options.Value.DeadlineCheckInterval, time, async token => await CheckAsync(token), ex => LogCheckFailed(logger, ex), stoppingToken);
    }

    /// <summary>Checks every workflow that asks for missed alerts now; returns the alerts it raised.</summary>
    public async Task<IReadOnlyList<MissedAlertRecord>> CheckAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var raised = new List<MissedAlertRecord>();
        var to = Minute(now - Settle);
        foreach (var workflow in await catalog.ListPublishedAsync(cancellationToken))
        {
            if (workflow.Definition is not { Notify: { } notify } definition || !notify.Wants(NotifyDefinition.Missed) || workflow.State.IsPaused) continue;
            var firstPublished = new DateTimeOffset(DateTime.SpecifyKind(workflow.State.FirstPublishedAt, DateTimeKind.Utc));
            var from = Minute(Max(now - options.Value.DeadlineLookback, firstPublished));
            if (from >= to) continue;
            var counts = await history.CountsPerMinuteAsync(definition.Id, from, to, cancellationToken);
            var worth = counts.Where(c => c.Missed >= notify.MissedPerMinute).OrderBy(c => c.Start).ToList();
            if (worth.Count == 0) continue;
            var recorded = await alerts.RecordedAsync(definition.Id, from, to, cancellationToken);
            foreach (var minute in worth.Where(c => !recorded.Contains(c.Start.UtcDateTime)))
            {
                var alert = new MissedAlertRecord
                {
                    WorkflowId = definition.Id,
                    MinuteStart = minute.Start.UtcDateTime,
                    Missed = minute.Missed,
                    RaisedAt = now.UtcDateTime,
                    Reasons = await alerts.ReasonsAsync(definition.Id, minute.Start, cancellationToken),
                };
                if (!await alerts.TryAddAsync(alert, cancellationToken)) continue;
                LogMissed(logger, definition.Id, minute.Start, minute.Missed);
                raised.Add(alert);
                foreach (var listener in _listeners)
                {
                    try
                    {
                        await listener.IntervalsMissedAsync(alert, definition, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogListenerFailed(logger, ex, definition.Id);
                    }
                }
            }
        }
        return raised;
    }

    private static DateTimeOffset Minute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {WorkflowId} missed {Missed} intervals in the minute starting {Start:O}")]
    private static partial void LogMissed(ILogger logger, string workflowId, DateTimeOffset start, int missed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking missed intervals failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of missed intervals of {WorkflowId} failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string workflowId);
}
