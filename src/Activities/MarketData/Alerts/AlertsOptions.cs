namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>Where alert webhooks may be delivered (configuration section <c>Alerts</c>).</summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>
    /// Allows webhook targets on loopback, link-local, private, unique-local and multicast addresses. Off by default:
    /// whoever may start a run chooses the URL, and must not be able to make the server probe its own network.
    /// </summary>
    public bool AllowPrivateWebhookTargets { get; set; }

    /// <summary>Follows up to 3 redirects of a webhook (each target checked like the first). Off by default.</summary>
    public bool FollowWebhookRedirects { get; set; }
}
