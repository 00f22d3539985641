using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Activities.MarketData.Alerts;
using BitsoWorkflows.Engine.Definitions;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Notifications;

/// <summary>
/// Posts events as JSON to webhooks, retried with backoff; signed (<see cref="SignatureHeader"/>: <c>sha256=</c> and the
/// hex HMAC-SHA256 of the body) when the target names a configured secret. Targets follow the alert webhooks' rule on
/// private addresses and redirects (<c>Alerts:AllowPrivateWebhookTargets</c>, <c>Alerts:FollowWebhookRedirects</c>).
/// </summary>
public sealed class WebhookNotifier(IOptions<NotificationOptions> options, IOptions<AlertsOptions> targets, TimeProvider time) : IDisposable
{
    public const string SignatureHeader = "X-BitsoWorkflows-Signature";
    public const string EventIdHeader = "X-Event-Id";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new(WebhookTargetRule.CreateHandler(targets.Value.AllowPrivateWebhookTargets, targets.Value.FollowWebhookRedirects))
    {
        Timeout = options.Value.Timeout,
    };

    public async Task<NotificationDelivery> SendAsync(WebhookTargetDefinition target, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var label = $"webhook {Redacted(target.Url)}";
        byte[]? key = null;
        if (target.SecretName is { } name)
        {
            if (!options.Value.WebhookSecrets.TryGetValue(name, out var secret) || string.IsNullOrEmpty(secret))
                return new NotificationDelivery(label, false, 0, $"secret '{name}' is not configured (Notifications:WebhookSecrets:{name}); nothing was sent");
            key = Encoding.UTF8.GetBytes(secret);
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, Json);
        var signature = key is null ? null : "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));

        string? error = null;
        var attempts = Math.Max(1, options.Value.Attempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add(EventIdHeader, notification.EventId);
                if (signature is not null) request.Headers.Add(SignatureHeader, signature);
                using var response = await _http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode) return new NotificationDelivery(label, true, attempt, null);
                error = $"answered {(int)response.StatusCode}";
                // A 4xx other than 408/429 will not change on a retry.
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429) return new NotificationDelivery(label, false, attempt, error);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = WebhookTargetRule.Refusal(ex)?.Message ?? ex.Message;
                if (WebhookTargetRule.Refusal(ex) is not null) return new NotificationDelivery(label, false, attempt, error);
            }
            if (attempt < attempts) await Task.Delay(options.Value.RetryBackoff * Math.Pow(2, attempt - 1), time, cancellationToken);
        }
        return new NotificationDelivery(label, false, attempts, error);
    }

    /// <summary>The URL without its query (which may carry a token) for the run's history.</summary>
    private static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "(invalid URL)";

    public void Dispose() => _http.Dispose();
}
