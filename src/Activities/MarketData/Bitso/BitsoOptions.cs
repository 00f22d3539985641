namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>
/// Connection settings for Bitso (section <c>Bitso</c>). The API key and secret come from configuration or the
/// environment (<c>BITSO_API_KEY</c>, <c>BITSO_API_SECRET</c>), never from workflow JSON, and are never logged.
/// </summary>
public sealed class BitsoOptions
{
    public const string SectionName = "Bitso";

    public const string DefaultRestBaseUrl = "https://api.bitso.com/api/v3/";

    public const string DefaultWebSocketUrl = "wss://ws.bitso.com";

    public const int PublicLimitPerMinute = 60;

    public const int SignedLimitPerMinute = 300;

    public const string ApiKeyVariable = "BITSO_API_KEY";

    public const string ApiSecretVariable = "BITSO_API_SECRET";

    /// <summary>REST base URL ending in <c>/</c>, e.g. <c>https://api.bitso.com/api/v3/</c>.</summary>
    public string RestBaseUrl { get; set; } = DefaultRestBaseUrl;

    /// <summary>WebSocket URL of the <c>orders</c> channel feed.</summary>
    public string WebSocketUrl { get; set; } = DefaultWebSocketUrl;

    /// <summary>Optional API key: when both key and secret are set, REST calls are signed and use the 300/min budget.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Optional API secret (HMAC-SHA256 key). Never logged.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>Timeout of one REST request; must stay below one second so a per-second capture never overruns.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(700);

    /// <summary>Requests allowed per minute without signing (Bitso: 60 per IP).</summary>
    public int PublicRequestsPerMinute { get; set; } = PublicLimitPerMinute;

    /// <summary>Requests allowed per minute when signed (Bitso: 300 per account).</summary>
    public int SignedRequestsPerMinute { get; set; } = SignedLimitPerMinute;

    /// <summary>How long to stop calling after a 429/420/08xx answer; doubles on repeated lockouts up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Ceiling of the escalating lockout.</summary>
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>First reconnect delay of the WebSocket feed (doubled per failure, with jitter).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Cap of the WebSocket reconnect delay. Short on purpose: a per-second capture must be live again within about two
    /// seconds of Bitso's feed coming back, and one connection attempt a second or so is a light load on an endpoint that
    /// is down. (Bitso documents no reconnect policy; the REST budget is not touched by reconnects.)
    /// </summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long one WebSocket connection attempt may take before it counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The feed is considered dead when no frame (data or <c>ka</c>) arrives for this long.</summary>
    public TimeSpan FeedSilenceTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval of WebSocket protocol pings the client sends to keep NATs and proxies from dropping an idle feed.</summary>
    public TimeSpan WebSocketPingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The key and secret to sign with, from these options or else the environment; null when unsigned.</summary>
    public (string Key, string Secret)? ResolveCredentials()
    {
        var key = string.IsNullOrWhiteSpace(ApiKey) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : ApiKey;
        var secret = string.IsNullOrWhiteSpace(ApiSecret) ? Environment.GetEnvironmentVariable(ApiSecretVariable) : ApiSecret;
        return string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(secret) ? null : (key, secret);
    }
}
