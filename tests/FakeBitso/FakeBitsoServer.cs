using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.FakeBitso;

/// <summary>
/// A scripted stand-in for Bitso on 127.0.0.1 (random free port): REST <c>/api/v3/order_book/</c>, the WebSocket
/// <c>orders</c> channel at <c>/ws</c> (acks, snapshots every <see cref="PushInterval"/>, <c>ka</c> keep-alives), and a
/// <c>/webhook</c> sink that records alert POSTs. Behaviour follows <see cref="Scenario"/>; everything it saw is
/// recorded for assertions. It never reaches the internet.
/// </summary>
public sealed class FakeBitsoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeQuote> _quotes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeRestRequest> _requests = new();
    private readonly ConcurrentQueue<(string EventId, string Body)> _webhookPosts = new();
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private readonly CancellationTokenSource _stopping = new();
    private ReplayCapture? _replay;
    private DateTimeOffset _replayStart;
    private int _connections;
    private int _subscribes;
    private long _sequence = 1000;
    private long _behind;

    private FakeBitsoServer(WebApplication app)
    {
        _app = app;
        SetQuote("btc_mxn", "1233830.0", "1236250.0");
        SetQuote("usd_mxn", "17.205", "17.215");
    }

    public FakeBitsoScenario Scenario { get; set; } = FakeBitsoScenario.Normal;

    /// <summary>Delay of <see cref="FakeBitsoScenario.Slow"/> answers.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Interval between <c>orders</c> snapshots per subscribed book.</summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Interval between <c>ka</c> frames.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Snapshots sent on a connection before <see cref="FakeBitsoScenario.Disconnect"/> drops it.</summary>
    public int DisconnectAfterMessages { get; set; } = 5;

    /// <summary>When false, WebSocket upgrades are refused with 503 (the feed is down).</summary>
    public bool AcceptWebSockets { get; set; } = true;

    /// <summary>When set, signed requests are verified with this secret and a bad signature gets 401 / 0201.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>HTTP status of <see cref="FakeBitsoScenario.RateLimited"/> answers: 429 (edge proxies) or 420 (Bitso's legacy docs).</summary>
    public int RateLimitStatus { get; set; } = 429;

    /// <summary>When true, <c>/webhook</c> answers 500.</summary>
    public bool FailWebhook { get; set; }

    public Uri RestBaseUrl { get; private set; } = null!;

    public Uri WebSocketUrl { get; private set; } = null!;

    public Uri WebhookUrl { get; private set; } = null!;

    public IReadOnlyList<FakeRestRequest> RestRequests => _requests.ToArray();

    public IReadOnlyList<string> WebhookBodies => _webhookPosts.Select(p => p.Body).ToArray();

    /// <summary>The <c>X-Event-Id</c> header of every webhook POST, in arrival order (empty when absent).</summary>
    public IReadOnlyList<string> WebhookEventIds => _webhookPosts.Select(p => p.EventId).ToArray();

    /// <summary>WebSocket connections accepted so far.</summary>
    public int WebSocketConnections => Volatile.Read(ref _connections);

    public int SubscribeFrames => Volatile.Read(ref _subscribes);

    public static async Task<FakeBitsoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeBitsoServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.RestBaseUrl = new Uri(address, "/api/v3/");
        server.WebSocketUrl = new UriBuilder(address) { Scheme = "ws", Path = "/ws" }.Uri;
        server.WebhookUrl = new Uri(address, "/webhook");
        // One request through the whole pipeline so the first request of a test does not pay for JIT.
        using (var warmUp = new HttpClient())
            await warmUp.GetStringAsync(new Uri(server.RestBaseUrl, "order_book/?book=btc_mxn"));
        server._requests.Clear();
        return server;
    }

    public void SetQuote(string book, string bid, string ask, string bidAmount = "0.5", string askAmount = "0.25") =>
        _quotes[book] = new FakeQuote(bid, bidAmount, ask, askAmount);

    /// <summary>Switches to <see cref="FakeBitsoScenario.Replay"/> of a real capture, starting at its first row now.</summary>
    public void LoadReplay(ReplayCapture capture)
    {
        _replay = capture;
        _replayStart = DateTimeOffset.UtcNow;
        Scenario = FakeBitsoScenario.Replay;
    }

    /// <summary>The quote served now for a book (what a client should observe).</summary>
    public FakeQuote CurrentQuote(string book)
    {
        if (Scenario == FakeBitsoScenario.Replay && _replay?.At(book, (long)(DateTimeOffset.UtcNow - _replayStart).TotalSeconds) is { } row)
            return new FakeQuote(row.Bid, "1", row.Ask, "1");
        var quote = _quotes.GetValueOrDefault(book) ?? new FakeQuote("99.5", "1", "100.5", "1");
        return Scenario switch
        {
            FakeBitsoScenario.WideSpread => Widened(quote),
            FakeBitsoScenario.Crossed => quote with { Bid = Format(Parse(quote.Ask) + Parse(quote.Ask) * 0.001m) },
            _ => quote,
        };
    }

    private static FakeQuote Widened(FakeQuote quote) => quote with { Ask = Format(Parse(quote.Bid) * 1.02m) };

    /// <summary>Drops every open WebSocket connection abruptly (no close handshake).</summary>
    public void DropWebSockets()
    {
        foreach (var socket in _sockets.Keys) socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        DropWebSockets();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path == "/ws")
            await HandleWebSocketAsync(context);
        else if (path.TrimEnd('/') == "/api/v3/order_book")
            await HandleOrderBookAsync(context);
        else if (path == "/webhook" && HttpMethods.IsPost(context.Request.Method))
            await HandleWebhookAsync(context);
        else
            context.Response.StatusCode = 404;
    }

    private async Task HandleOrderBookAsync(HttpContext context)
    {
        var book = context.Request.Query["book"].ToString();
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (Scenario == FakeBitsoScenario.ConnectionReset)
        {
            _requests.Enqueue(new FakeRestRequest(DateTimeOffset.UtcNow, pathAndQuery, book, authorization.Length == 0 ? null : authorization, 0));
            context.Abort();
            return;
        }
        var (status, body) = await AnswerAsync(book, pathAndQuery, authorization, context.RequestAborted);
        _requests.Enqueue(new FakeRestRequest(DateTimeOffset.UtcNow, pathAndQuery, book, authorization.Length == 0 ? null : authorization, status));
        context.Response.StatusCode = status;
        context.Response.ContentType = body.StartsWith('<') ? "text/html" : "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private async Task<(int Status, string Body)> AnswerAsync(string book, string pathAndQuery, string authorization, CancellationToken cancellationToken)
    {
        if (ApiSecret is not null && authorization.Length > 0 && !SignatureIsValid(authorization, pathAndQuery))
            return (401, Error("0201", "Invalid credentials"));
        switch (Scenario)
        {
            case FakeBitsoScenario.RateLimited:
                return (RateLimitStatus, Error("0801", "Too many requests"));
            case FakeBitsoScenario.ServerError:
                return (503, "<html><body>503 Service Unavailable</body></html>");
            case FakeBitsoScenario.MalformedJson:
                return (200, "{\"success\": tru");
            case FakeBitsoScenario.UnknownBook:
                return (400, Error("0301", "Unknown OrderBook"));
            case FakeBitsoScenario.Slow:
                await Task.Delay(SlowDelay, cancellationToken);
                break;
        }
        var quote = Scenario == FakeBitsoScenario.GoingBackwards ? Widened(CurrentQuote(book)) : CurrentQuote(book);
        var bids = Scenario == FakeBitsoScenario.EmptyBook ? [] : new[] { Level(book, quote.Bid, quote.BidAmount), Level(book, Format(Parse(quote.Bid) * 0.999m), "2") };
        var asks = new[] { Level(book, quote.Ask, quote.AskAmount), Level(book, Format(Parse(quote.Ask) * 1.001m), "2") };
        var payload = new
        {
            updated_at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            // A lagging replica answers behind the primary, whose sequence goes on from where it was.
            sequence = (Scenario == FakeBitsoScenario.GoingBackwards ? Interlocked.Read(ref _sequence) - 100 - Interlocked.Increment(ref _behind) : Interlocked.Increment(ref _sequence)).ToString(CultureInfo.InvariantCulture),
            bids,
            asks,
        };
        return (200, JsonSerializer.Serialize(new { success = true, payload }));
    }

    private async Task HandleWebSocketAsync(HttpContext context)
    {
        if (Scenario == FakeBitsoScenario.ConnectionReset)
        {
            context.Abort();
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest || !AcceptWebSockets)
        {
            context.Response.StatusCode = 503;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _connections);
        _sockets[socket] = 0;
        var subscribed = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var sendLock = new SemaphoreSlim(1, 1);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, context.RequestAborted);
        var reader = ReadSubscriptionsAsync(socket, subscribed, sendLock, done.Token);
        try
        {
            var sent = 0;
            var lastKeepAlive = DateTimeOffset.UtcNow;
            while (socket.State == WebSocketState.Open && !done.IsCancellationRequested)
            {
                await Task.Delay(PushInterval, done.Token);
                foreach (var book in subscribed.Keys)
                {
                    if (Scenario == FakeBitsoScenario.MalformedJson)
                    {
                        foreach (var malformed in MalformedFrames(book))
                            await SendAsync(socket, sendLock, malformed, done.Token);
                    }
                    await SendAsync(socket, sendLock, OrdersMessage(book), done.Token);
                    sent++;
                }
                if (DateTimeOffset.UtcNow - lastKeepAlive >= KeepAliveInterval)
                {
                    await SendAsync(socket, sendLock, "{\"type\":\"ka\"}", done.Token);
                    lastKeepAlive = DateTimeOffset.UtcNow;
                }
                if (Scenario == FakeBitsoScenario.Disconnect && sent >= DisconnectAfterMessages)
                {
                    socket.Abort();
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
            await done.CancelAsync();
            try
            {
                await reader;
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task ReadSubscriptionsAsync(WebSocket socket, ConcurrentDictionary<string, byte> subscribed, SemaphoreSlim sendLock, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return;
            using var frame = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
            var root = frame.RootElement;
            if (root.GetProperty("action").GetString() != "subscribe") continue;
            Interlocked.Increment(ref _subscribes);
            subscribed[root.GetProperty("book").GetString()!] = 0;
            var ack = JsonSerializer.Serialize(new { action = "subscribe", response = "ok", time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), type = root.GetProperty("type").GetString() });
            await SendAsync(socket, sendLock, ack, cancellationToken);
        }
    }

    /// <summary>Frames a client must ignore without dropping the connection: cut short, not an object, wrong shapes.</summary>
    private static string[] MalformedFrames(string book) =>
    [
        "{\"type\":\"orders\",\"book\":",
        "[1]",
        "42",
        $"{{\"type\":\"orders\",\"book\":\"{book}\",\"payload\":7}}",
        $"{{\"type\":\"orders\",\"book\":\"{book}\",\"payload\":{{\"bids\":{{}},\"asks\":[]}}}}",
        $"{{\"type\":\"orders\",\"book\":\"{book}\",\"payload\":{{\"bids\":[{{\"r\":\"1e999999\",\"a\":\"1\"}}],\"asks\":[]}}}}",
    ];

    private string OrdersMessage(string book)
    {
        var backwards = Scenario == FakeBitsoScenario.GoingBackwards;
        var quote = backwards ? Widened(CurrentQuote(book)) : CurrentQuote(book);
        var now = DateTimeOffset.UtcNow.AddMinutes(backwards ? -1 : 0).ToUnixTimeMilliseconds();
        // Per order, not aggregated, and deliberately not sorted: clients must take max bid / min ask themselves.
        var bids = Scenario == FakeBitsoScenario.EmptyBook
            ? []
            : new[] { Order(Format(Parse(quote.Bid) * 0.999m), "1", 1, now), Order(quote.Bid, quote.BidAmount, 1, now) };
        var asks = new[] { Order(Format(Parse(quote.Ask) * 1.001m), "1", 0, now), Order(quote.Ask, quote.AskAmount, 0, now) };
        return JsonSerializer.Serialize(new { type = "orders", book, sent = now, payload = new { bids, asks } });
    }

    private async Task HandleWebhookAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _webhookPosts.Enqueue((context.Request.Headers["X-Event-Id"].ToString(), body));
        context.Response.StatusCode = FailWebhook ? 500 : 204;
    }

    private bool SignatureIsValid(string authorization, string pathAndQuery)
    {
        var parts = authorization.StartsWith("Bitso ", StringComparison.Ordinal) ? authorization[6..].Split(':') : [];
        if (parts.Length != 3) return false;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ApiSecret!), Encoding.UTF8.GetBytes($"{parts[1]}GET{pathAndQuery}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2]));
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim sendLock, string text, CancellationToken cancellationToken)
    {
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            sendLock.Release();
        }
    }

    private static object Level(string book, string price, string amount) => new { book, price, amount };

    private static object Order(string price, string amount, int side, long created) =>
        new { o = Guid.NewGuid().ToString("N")[..8], r = price, a = amount, v = Format(Parse(price) * Parse(amount)), t = side, d = created, s = "undefined" };

    private static string Error(string code, string message) => JsonSerializer.Serialize(new { success = false, error = new { code, message } });

    private static decimal Parse(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Format(decimal value) => Math.Round(value, 3).ToString(CultureInfo.InvariantCulture);
}
