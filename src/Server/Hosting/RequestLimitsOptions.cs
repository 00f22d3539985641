namespace BitsoWorkflows.Server.Hosting;

/// <summary>Limits on what a request may send (configuration section <c>Limits</c>).</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "Limits";

    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>The largest request body accepted; larger ones are answered 413 before they are read. Default 1 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;
}
