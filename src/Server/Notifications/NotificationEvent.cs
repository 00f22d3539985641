namespace BitsoWorkflows.Server.Notifications;

/// <summary>
/// What a webhook receives as JSON and an e-mail says: which event, of which workflow, run and interval, how it ended
/// and where to look. <see cref="EventId"/> is the same on every try, so a receiver can drop what it has seen.
/// </summary>
public sealed record NotificationEvent(
    string EventId,
    string Event,
    string WorkflowId,
    string? RunId,
    DateTimeOffset LogicalTime,
    DateTimeOffset DataIntervalStart,
    DateTimeOffset DataIntervalEnd,
    string Status,
    string? Error,
    DateTimeOffset? DeadlineAt,
    string StudioUrl,
    DateTimeOffset At);
