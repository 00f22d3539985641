namespace BitsoWorkflows.Server.Observability;

/// <summary>Where the Prometheus scrape endpoint is served (configuration section <c>Observability</c>).</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    public const string DefaultMetricsPath = "/metrics";

    /// <summary>The scrape endpoint's path. Default <c>/metrics</c>.</summary>
    public string MetricsPath { get; set; } = DefaultMetricsPath;

    /// <summary>
    /// A separate URL (e.g. <c>http://0.0.0.0:9464</c>) on which the scrape endpoint is served without sign-in, and then
    /// only there. Unset (the default): the endpoint is served on the server's own URLs behind sign-in (an API key).
    /// </summary>
    public string? ManagementUrl { get; set; }

    /// <summary>The management URL's port, or null when there is none.</summary>
    public int? ManagementPort => ManagementUrl is { Length: > 0 } url && Uri.TryCreate(url.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Port : null;
}
