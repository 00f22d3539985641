using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Activities.MarketData.Bitso;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Activities.MarketData.Sources;

/// <summary>
/// Bitso's WebSocket <c>orders</c> channel: one connection for the process, one subscription per book, the latest
/// top-20 snapshot of each book in memory. The feed is trusted only while connected and while frames (data or
/// <c>ka</c> keep-alives) keep arriving, and a book only once a snapshot has arrived on the current connection; otherwise
/// a quote falls back to REST within the shared rate budget, or else is the last snapshot marked stale. The connection
/// reconnects with exponential backoff and jitter and resubscribes every book.
/// </summary>
public sealed partial class BitsoWebSocketSource : IOrderBookSource, IAsyncDisposable
{
    public const string SourceName = "websocket";

    private readonly BitsoOptions _options;
    private readonly BitsoRestClient _rest;
    private readonly TimeProvider _time;
    private readonly ILogger<BitsoWebSocketSource> _logger;
    private readonly ConcurrentDictionary<string, FeedBook> _books = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _wanted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _newestSent = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private ClientWebSocket? _socket;
    private long _epoch;
    private long _lastFrameTicks;
    private int _connections;
    private int _disposed;

    public BitsoWebSocketSource(IOptions<BitsoOptions> options, BitsoRestClient rest, TimeProvider time, ILogger<BitsoWebSocketSource> logger)
    {
        _options = options.Value;
        _rest = rest;
        _time = time;
        _logger = logger;
    }

    public string Name => SourceName;

    /// <summary>Successful connections so far (1 + reconnects).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connected, and a frame arrived within <see cref="BitsoOptions.FeedSilenceTimeout"/>.</summary>
    public bool IsLive =>
        Volatile.Read(ref _socket) is { State: WebSocketState.Open }
        && _time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastFrameTicks) < _options.FeedSilenceTimeout.Ticks;

    public async Task<BookQuote> GetQuoteAsync(string book, DateTimeOffset second, CancellationToken cancellationToken)
    {
        Subscribe([book]);
        if (TryGetLiveQuote(book, out var live)) return live;

        var feedState = IsLive ? "has no snapshot of this book on the current connection yet" : "is down";
        var fallback = await _rest.GetOrderBookAsync(book, cancellationToken);
        if (fallback.IsSuccess) return fallback.Value.ToQuote(BitsoRestSource.SourceName);

        var reason = $"websocket feed {feedState}; REST fallback: {fallback.Error}";
        return _books.TryGetValue(book, out var last)
            ? last.Snapshot.ToQuote(SourceName) with { IsStale = true, Error = reason }
            : BookQuote.Failed(book, SourceName, reason);
    }

    /// <summary>Makes sure the feed runs and carries these books (subscribing on the open connection when new).</summary>
    public void Subscribe(IEnumerable<string> books)
    {
        foreach (var book in books)
        {
            if (!_wanted.TryAdd(book, 0)) continue;
            if (Volatile.Read(ref _socket) is { State: WebSocketState.Open } socket)
                _ = SendSubscribeAsync(socket, book, _stopping.Token);
        }
        lock (_startLock)
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Waits until every book has a live snapshot (used by warm-up, tests and benchmarks); false on timeout.</summary>
    public async Task<bool> WaitUntilLiveAsync(IReadOnlyCollection<string> books, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Subscribe(books);
        var deadline = _time.GetUtcNow() + timeout;
        while (!books.All(b => TryGetLiveQuote(b, out _)))
        {
            if (_time.GetUtcNow() >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // DI disposes it once per registration (as itself and as an IOrderBookSource).
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stopping.Dispose();
        _sendLock.Dispose();
    }

    private bool TryGetLiveQuote(string book, out BookQuote quote)
    {
        if (IsLive && _books.TryGetValue(book, out var feed) && feed.Epoch == Interlocked.Read(ref _epoch))
        {
            quote = feed.Snapshot.ToQuote(SourceName);
            return true;
        }
        quote = null!;
        return false;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = _options.WebSocketPingInterval;
            try
            {
                using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    connectTimeout.CancelAfter(_options.ConnectTimeout);
                    await socket.ConnectAsync(new Uri(_options.WebSocketUrl), connectTimeout.Token);
                }
                var epoch = Interlocked.Increment(ref _epoch);
                Touch();
                Volatile.Write(ref _socket, socket);
                Interlocked.Increment(ref _connections);
                LogConnected(_logger, _options.WebSocketUrl, epoch);
                foreach (var book in _wanted.Keys)
                    await SendSubscribeAsync(socket, book, stopping);
                failures = 0;
                await ReceiveAsync(socket, epoch, stopping);
                LogDisconnected(_logger, "closed by the server");
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or InvalidOperationException)
            {
                LogDisconnected(_logger, e.Message);
            }
            catch (Exception e)
            {
                // Anything else (a frame shape the reader did not expect, a runtime surprise) must not end the loop:
                // a feed that stops reconnecting leaves every second to the rate-limited REST fallback for good.
                LogFeedFault(_logger, e);
            }
            finally
            {
                Volatile.Write(ref _socket, null);
            }

            try
            {
                await Task.Delay(Backoff(failures++), _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket, long epoch, CancellationToken stopping)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (socket.State == WebSocketState.Open)
        {
            // Silence for longer than the timeout means the feed is dead even if TCP has not noticed yet.
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            silence.CancelAfter(_options.FeedSilenceTimeout);
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), silence.Token);
            if (result.MessageType == WebSocketMessageType.Close) return;
            buffer.Advance(result.Count);
            if (!result.EndOfMessage) continue;
            Touch();
            Handle(buffer.WrittenSpan, epoch);
            buffer.ResetWrittenCount();
        }
    }

    private void Handle(ReadOnlySpan<byte> frame, long epoch)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "orders" || root.TryGetProperty("action", out _)) return; // keep-alive or subscription ack
            var snapshot = BitsoJson.ReadOrdersMessage(root);
            // A frame stamped before the newest one already taken (on this or an earlier connection) is an older book
            // arriving late: keeping the newer one is right, and replacing it would show old prices as live.
            var sent = snapshot.UpdatedAt ?? DateTimeOffset.MinValue;
            var newest = _newestSent.AddOrUpdate(snapshot.Book, sent, (_, seen) => seen > sent ? seen : sent);
            if (sent < newest)
            {
                LogOutOfOrder(_logger, snapshot.Book, sent, newest);
                return;
            }
            _books[snapshot.Book] = new FeedBook(snapshot, epoch);
        }
        // InvalidOperationException: a frame that is JSON but not an object where one is expected ("[1]", "42").
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            LogMalformed(_logger, e.Message);
        }
    }

    private async Task SendSubscribeAsync(ClientWebSocket socket, string book, CancellationToken cancellationToken)
    {
        var frame = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { action = "subscribe", book, type = "orders" }));
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            LogDisconnected(_logger, $"subscribe {book} failed: {e.Message}");
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastFrameTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>Exponential from the minimum to the cap, then "equal jitter" (half fixed, half random) so clients do not reconnect in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(_options.ReconnectMaxDelay.Ticks, _options.ReconnectMinDelay.Ticks * Math.Pow(2, Math.Min(failures, 20)));
        return TimeSpan.FromTicks((long)(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2));
    }

    private sealed record FeedBook(OrderBookSnapshot Snapshot, long Epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitso WebSocket sent {Book} stamped {Sent:O}, before {Newest:O} already taken; ignored")]
    private static partial void LogOutOfOrder(ILogger logger, string book, DateTimeOffset sent, DateTimeOffset newest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitso WebSocket connected to {Url} (connection {Epoch})")]
    private static partial void LogConnected(ILogger logger, string url, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitso WebSocket feed failed unexpectedly; reconnecting with backoff")]
    private static partial void LogFeedFault(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitso WebSocket feed lost: {Reason}; reconnecting with backoff")]
    private static partial void LogDisconnected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a malformed Bitso WebSocket frame: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);
}
