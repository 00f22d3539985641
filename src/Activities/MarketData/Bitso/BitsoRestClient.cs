using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>
/// Typed client of Bitso's REST <c>order_book</c>. Every call goes through the <see cref="Limiter"/> of its budget
/// (public 60/min, or signed 300/min when credentials are configured), has a timeout below one second, and returns
/// failures (rate limits, 5xx, timeouts, non-JSON bodies, <c>success: false</c>, a sequence going backwards) as
/// <see cref="BitsoError"/> values.
/// </summary>
public sealed partial class BitsoRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly BitsoOptions _options;
    private readonly BitsoRequestSigner? _signer;
    private readonly ILogger<BitsoRestClient> _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _highestSequence = new(StringComparer.Ordinal);

    public BitsoRestClient(IOptions<BitsoOptions> options, TimeProvider time, ILogger<BitsoRestClient> logger)
    {
        _options = options.Value;
        _logger = logger;
        _signer = _options.ResolveCredentials() is { } credentials ? new BitsoRequestSigner(credentials.Key, credentials.Secret, time) : null;
        Limiter = new BitsoRateLimiter(
            _signer is null ? _options.PublicRequestsPerMinute : _options.SignedRequestsPerMinute, _options.Lockout, _options.MaxLockout, time);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = _options.RequestTimeout })
        {
            BaseAddress = new Uri(_options.RestBaseUrl),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The budget every request of this client draws from.</summary>
    public BitsoRateLimiter Limiter { get; }

    /// <summary>
    /// Fetches one book. A request the budget cannot afford now fails at once with
    /// <see cref="BitsoErrorKind.BudgetExhausted"/> (what a per-second capture wants) rather than waiting.
    /// </summary>
    /// <exception cref="ArgumentException">The book name is not of the form <c>major_minor</c>.</exception>
    public async Task<BitsoResult<OrderBookSnapshot>> GetOrderBookAsync(string book, CancellationToken cancellationToken)
    {
        if (!BookNames.IsValid(book))
            throw new ArgumentException($"'{book}' is not a Bitso book name (lower-case major_minor, e.g. btc_mxn).", nameof(book));

        if (!Limiter.TryAcquire(out var retryAfter))
            return Fail(new BitsoError(BitsoErrorKind.BudgetExhausted,
                Limiter.LockedUntil is { } until ? $"locked out after a rate-limit answer until {until:O}" : $"the {Limiter.Limit}/min budget is spent for another {retryAfter.TotalSeconds:0.0} s"));

        var relative = $"order_book/?book={book}";
        using var request = new HttpRequestMessage(HttpMethod.Get, relative);
        if (_signer is not null)
            request.Headers.TryAddWithoutValidation("Authorization", _signer.AuthorizationHeader("GET", new Uri(_http.BaseAddress!, relative).PathAndQuery));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return Interpret(book, (int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(new BitsoError(BitsoErrorKind.Timeout, $"no answer for {book} within {_options.RequestTimeout.TotalMilliseconds:0} ms"));
        }
        catch (HttpRequestException e)
        {
            return Fail(new BitsoError(BitsoErrorKind.Transient, $"request for {book} failed: {e.Message}"));
        }
    }

    public void Dispose() => _http.Dispose();

    private BitsoResult<OrderBookSnapshot> Interpret(string book, int status, string body)
    {
        JsonDocument? document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            document = null;
        }

        if (status is 429 or 420)
        {
            using (document)
                return RateLimited(book, new BitsoError(BitsoErrorKind.RateLimited, $"Bitso rate-limited the request for {book}", ErrorCode(document?.RootElement), status));
        }
        if (document is null)
        {
            var kind = status >= 500 ? BitsoErrorKind.Transient : BitsoErrorKind.Malformed;
            return Fail(new BitsoError(kind, $"the answer for {book} is not JSON: {Excerpt(body)}", HttpStatus: status));
        }

        using (document)
        {
            var root = document.RootElement;
            var success = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;
            if (!success)
            {
                var code = ErrorCode(root);
                var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString()!
                    : $"success is not true: {Excerpt(body)}";
                if (code?.StartsWith("08", StringComparison.Ordinal) == true)
                    return RateLimited(book, new BitsoError(BitsoErrorKind.RateLimited, message, code, status));
                var kind = code switch
                {
                    _ when code?.StartsWith("02", StringComparison.Ordinal) == true => BitsoErrorKind.Unauthorized,
                    _ when code?.StartsWith("03", StringComparison.Ordinal) == true => BitsoErrorKind.InvalidRequest,
                    _ when status >= 500 => BitsoErrorKind.Transient,
                    _ => BitsoErrorKind.Rejected,
                };
                return Fail(new BitsoError(kind, $"{book}: {message}", code, status));
            }
            if (status is < 200 or >= 300)
                return Fail(new BitsoError(status >= 500 ? BitsoErrorKind.Transient : BitsoErrorKind.Rejected, $"{book}: HTTP {status}", HttpStatus: status));
            Limiter.ReportAccepted();
            try
            {
                if (!root.TryGetProperty("payload", out var payload))
                    throw new FormatException("the answer has no 'payload'.");
                return InSequence(BitsoJson.ReadRestOrderBook(book, payload));
            }
            catch (FormatException e)
            {
                return Fail(new BitsoError(BitsoErrorKind.Malformed, $"{book}: {e.Message}", HttpStatus: status));
            }
        }
    }

    /// <summary>Keeps the book's highest sequence seen; a lower one (a lagging replica behind a load balancer) is refused.</summary>
    private BitsoResult<OrderBookSnapshot> InSequence(OrderBookSnapshot snapshot)
    {
        if (snapshot.Sequence is { } sequence)
        {
            var highest = _highestSequence.AddOrUpdate(snapshot.Book, sequence, (_, seen) => Math.Max(seen, sequence));
            if (sequence < highest)
                return Fail(new BitsoError(BitsoErrorKind.OutOfOrder, $"{snapshot.Book}: sequence {sequence} is behind {highest} already seen; the older book is ignored"));
        }
        Diagnostics.ActivitiesMetrics.BitsoRequest("ok");
        return BitsoResult<OrderBookSnapshot>.Success(snapshot);
    }

    private BitsoResult<OrderBookSnapshot> RateLimited(string book, BitsoError error)
    {
        Limiter.ReportRateLimited();
        Diagnostics.ActivitiesMetrics.BitsoRequest(Diagnostics.ActivitiesMetrics.Label(error.Kind));
        LogRateLimited(_logger, book, Limiter.LockedUntil);
        return BitsoResult<OrderBookSnapshot>.Failure(error);
    }

    private BitsoResult<OrderBookSnapshot> Fail(BitsoError error)
    {
        Diagnostics.ActivitiesMetrics.BitsoRequest(Diagnostics.ActivitiesMetrics.Label(error.Kind));
        LogFailed(_logger, error.Kind, error.Message);
        return BitsoResult<OrderBookSnapshot>.Failure(error);
    }

    private static string? ErrorCode(JsonElement? root) =>
        root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("code", out var code)
            ? code.ValueKind == JsonValueKind.String ? code.GetString() : code.GetRawText()
            : null;

    private static string Excerpt(string body) => body.Length <= 120 ? body : body[..120] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitso rate-limited a request for {Book}; no requests until {LockedUntil}")]
    private static partial void LogRateLimited(ILogger logger, string book, DateTimeOffset? lockedUntil);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bitso order_book failed ({Kind}): {Message}")]
    private static partial void LogFailed(ILogger logger, BitsoErrorKind kind, string message);
}
