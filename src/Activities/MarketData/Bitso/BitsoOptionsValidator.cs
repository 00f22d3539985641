using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>Checks <see cref="BitsoOptions"/> at start-up, naming every bad property and its value.</summary>
public sealed class BitsoOptionsValidator : IValidateOptions<BitsoOptions>
{
    public ValidateOptionsResult Validate(string? name, BitsoOptions options)
    {
        var errors = new List<string>();
        var section = BitsoOptions.SectionName;
        if (!Uri.TryCreate(options.RestBaseUrl, UriKind.Absolute, out var rest) || rest.Scheme is not ("http" or "https") || !options.RestBaseUrl.EndsWith('/'))
            errors.Add($"{section}:RestBaseUrl must be an absolute http(s) URL ending in '/', got '{options.RestBaseUrl}'.");
        if (!Uri.TryCreate(options.WebSocketUrl, UriKind.Absolute, out var ws) || ws.Scheme is not ("ws" or "wss"))
            errors.Add($"{section}:WebSocketUrl must be an absolute ws(s) URL, got '{options.WebSocketUrl}'.");
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout >= TimeSpan.FromSeconds(1))
            errors.Add($"{section}:RequestTimeout must be above zero and below one second, got {options.RequestTimeout}.");
        if (options.PublicRequestsPerMinute is < 1 or > BitsoOptions.PublicLimitPerMinute)
            errors.Add($"{section}:PublicRequestsPerMinute must be 1..{BitsoOptions.PublicLimitPerMinute}, got {options.PublicRequestsPerMinute}.");
        if (options.SignedRequestsPerMinute is < 1 or > BitsoOptions.SignedLimitPerMinute)
            errors.Add($"{section}:SignedRequestsPerMinute must be 1..{BitsoOptions.SignedLimitPerMinute}, got {options.SignedRequestsPerMinute}.");
        if (options.Lockout <= TimeSpan.Zero)
            errors.Add($"{section}:Lockout must be positive, got {options.Lockout}.");
        if (options.MaxLockout < options.Lockout)
            errors.Add($"{section}:MaxLockout must be at least Lockout, got {options.MaxLockout}.");
        if (options.ReconnectMinDelay <= TimeSpan.Zero || options.ReconnectMaxDelay < options.ReconnectMinDelay)
            errors.Add($"{section}:ReconnectMinDelay must be positive and not above ReconnectMaxDelay, got {options.ReconnectMinDelay} / {options.ReconnectMaxDelay}.");
        if (options.ConnectTimeout <= TimeSpan.Zero)
            errors.Add($"{section}:ConnectTimeout must be positive, got {options.ConnectTimeout}.");
        if (options.FeedSilenceTimeout <= TimeSpan.Zero)
            errors.Add($"{section}:FeedSilenceTimeout must be positive, got {options.FeedSilenceTimeout}.");
        if (string.IsNullOrWhiteSpace(options.ApiKey) != string.IsNullOrWhiteSpace(options.ApiSecret))
            errors.Add($"{section}:ApiKey and {section}:ApiSecret must be set together (values not shown).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
