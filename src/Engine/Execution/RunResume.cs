using System.Text.Json;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// What a run that resumes after a restart (one a sensor was waiting in) keeps of its first life: the activities that
/// ended keep their outcome and are not run again; the others run again, their attempts numbered on from the last
/// one; a sensor's timeout counts from its first poke.
/// </summary>
internal sealed class RunResume
{
    private readonly Dictionary<string, ActivityRecord> _latest;
    private readonly Dictionary<string, DateTime> _firstStarted;

    public RunResume(IReadOnlyList<ActivityRecord> records)
    {
        _latest = records.GroupBy(r => r.ActivityId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Attempt)!);
        _firstStarted = records.GroupBy(r => r.ActivityId).ToDictionary(g => g.Key, g => g.Min(r => r.StartedAt));
    }

    /// <summary>
    /// The outcome an activity (or a mapped instance) ended with before the restart, and whether that success was taken
    /// over from a retried run; null when it must run (again).
    /// </summary>
    public (ActivityStatus Status, JsonElement Output, string? Message, bool Reused)? Ended(string recordId)
    {
        if (!_latest.TryGetValue(recordId, out var record)) return null;
        return record.Status switch
        {
            ActivityStatus.Succeeded => (record.Status, record.OutputsJson is { } json ? JsonDocument.Parse(json).RootElement.Clone() : default, null, record.ReusedFrom is not null),
            ActivityStatus.Failed or ActivityStatus.TimedOut or ActivityStatus.Skipped or ActivityStatus.UpstreamFailed => (record.Status, default, record.Error, false),
            _ => null, // Running, interrupted or cancelled by the stop: run it again.
        };
    }

    /// <summary>The number of the last attempt recorded (0 for none): the next attempt takes the one after.</summary>
    public int LastAttempt(string recordId) => _latest.TryGetValue(recordId, out var record) ? record.Attempt : 0;

    /// <summary>When the activity first started in this run: a resumed sensor's timeout counts from there.</summary>
    public DateTime? FirstStarted(string recordId) => _firstStarted.TryGetValue(recordId, out var at) ? at : null;
}
