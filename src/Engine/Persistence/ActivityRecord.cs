using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>One attempt of one activity in a run (Elsa's activity execution record), keyed by (run, activity, attempt).</summary>
public sealed class ActivityRecord
{
    public required string RunId { get; set; }

    public required string ActivityId { get; set; }

    public required string ActivityType { get; set; }

    public int Attempt { get; set; }

    public ActivityStatus Status { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>Evaluated inputs as JSON, secrets redacted.</summary>
    public string? InputsJson { get; set; }

    public string? OutputsJson { get; set; }

    /// <summary>Message and stack of the failure.</summary>
    public string? Error { get; set; }

    /// <summary>The journal lines as a JSON array of { at, level, message }.</summary>
    public string? JournalJson { get; set; }

    /// <summary>
    /// For a success a retry or clear took over without running the activity: the run whose attempt produced the output
    /// (the first of a chain of retries). Null for an attempt that ran.
    /// </summary>
    public string? ReusedFrom { get; set; }

    internal ActivityRecord ShallowCopy() => (ActivityRecord)MemberwiseClone();
}
