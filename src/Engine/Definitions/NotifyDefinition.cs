namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// Whom to tell about this workflow's runs (Airflow's callbacks): on which events, through which webhooks and to which
/// e-mail addresses (sent through the server's <c>Notifications:Smtp</c>).
/// </summary>
public sealed record NotifyDefinition
{
    /// <summary>Events to send: <c>failure</c>, <c>success</c>, <c>deadlineMiss</c>, <c>missed</c>.</summary>
    public List<string> On { get; init; } = [];

    public List<WebhookTargetDefinition> Webhooks { get; init; } = [];

    /// <summary>Recipients' e-mail addresses.</summary>
    public List<string> Emails { get; init; } = [];

    public const string Failure = "failure";
    public const string Success = "success";
    public const string DeadlineMiss = "deadlineMiss";

    /// <summary>Intervals recorded missed (a per-second workflow's gaps): one event per minute with at least <see cref="MissedPerMinute"/> of them.</summary>
    public const string Missed = "missed";

    /// <summary>The events a definition may name.</summary>
    public static readonly IReadOnlyList<string> Events = [Failure, Success, DeadlineMiss, Missed];

    /// <summary>With <c>missed</c>: how many missed intervals in one UTC minute make that minute worth an event (default 1).</summary>
    public int MissedPerMinute { get; init; } = 1;

    public bool Wants(string notificationEvent) => On.Contains(notificationEvent, StringComparer.Ordinal);
}
