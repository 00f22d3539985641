namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// One entry of a run's history of what people (and notifications) did to it after it ran: a note, a mark, a clear,
/// a notification sent. Kept beside the run and deleted with it.
/// </summary>
public sealed class RunOperationRecord
{
    public long Id { get; set; }

    public required string RunId { get; set; }

    public DateTime At { get; set; }

    /// <summary>Who: a user, an API key name, <c>cli:&lt;os user&gt;</c>, or <c>system</c> for notifications.</summary>
    public required string Actor { get; set; }

    /// <summary>One of <see cref="RunOperationKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The activity it was done to, when not the whole run.</summary>
    public string? ActivityId { get; set; }

    /// <summary>For a mark: the status before and after (<c>failed→succeeded</c>); for a notification: the event.</summary>
    public string? Status { get; set; }

    /// <summary>The note's Markdown, the mark's reason, the cleared activities, or a notification's outcome.</summary>
    public string? Text { get; set; }

    /// <summary>For a clear: the run that runs the cleared activities again.</summary>
    public string? NewRunId { get; set; }
}
