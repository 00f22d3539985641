namespace BitsoWorkflows.Server.Notifications;

/// <summary>How notifications (a definition's <c>notify</c>) are delivered (configuration section <c>Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>The Studio's address as people reach it, for the link in each event (e.g. <c>https://workflows.example</c>); unset: the server's own listening address.</summary>
    public string? StudioUrl { get; set; }

    /// <summary>HMAC secrets for signing webhooks, by the name a definition gives in <c>secretName</c>. Never shown by the API.</summary>
    public Dictionary<string, string> WebhookSecrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tries per webhook or e-mail delivery.</summary>
    public int Attempts { get; set; } = DefaultAttempts;

    /// <summary>Wait before the second try; doubles for each further one.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one webhook POST or SMTP conversation may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A notification whose delivery round began this long ago and never ended (its process stopped) is sent again.
    /// Longer than a whole round (every try timing out) takes, so a live node's send is never doubled.
    /// </summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromMinutes(5);

    public SmtpOptions Smtp { get; set; } = new();

    public const int DefaultAttempts = 3;
}
