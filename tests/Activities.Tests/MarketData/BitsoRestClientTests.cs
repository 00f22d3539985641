using System.Text.Json;
using BitsoWorkflows.Activities.MarketData.Bitso;
using BitsoWorkflows.FakeBitso;

namespace BitsoWorkflows.Activities.Tests.MarketData;

public sealed class BitsoRestClientTests : IAsyncLifetime
{
    private FakeBitsoServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeBitsoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private BitsoRestClient Client(Action<BitsoOptions>? configure = null)
    {
        var options = MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl);
        configure?.Invoke(options);
        return MarketTest.RestClient(options);
    }

    [Fact]
    public async Task GetOrderBookAsync_WhenNormal_ReturnsBestLevelsAsExactDecimals()
    {
        using var client = Client();

        var result = await client.GetOrderBookAsync("btc_mxn", default);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        var quote = result.Value.ToQuote("rest");
        Assert.Equal(1233830.0m, quote.BestBid);
        Assert.Equal(1236250.0m, quote.BestAsk);
        Assert.Equal(0.5m, quote.BidAmount);
        Assert.NotNull(quote.Sequence);
        Assert.Equal("/api/v3/order_book/?book=btc_mxn", _server.RestRequests.Single().PathAndQuery);
        Assert.Null(_server.RestRequests.Single().Authorization);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(420)]
    [InlineData(400)] // an 08xx code counts whatever the HTTP status
    public async Task GetOrderBookAsync_WhenRateLimited_ReturnsRateLimitedAndSendsNothingDuringTheLockout(int status)
    {
        using var client = Client();
        _server.Scenario = FakeBitsoScenario.RateLimited;
        _server.RateLimitStatus = status;

        var first = await client.GetOrderBookAsync("btc_mxn", default);
        _server.Scenario = FakeBitsoScenario.Normal;
        var second = await client.GetOrderBookAsync("btc_mxn", default);

        Assert.Equal(BitsoErrorKind.RateLimited, first.Error?.Kind);
        Assert.Equal("0801", first.Error?.Code);
        Assert.Equal(BitsoErrorKind.BudgetExhausted, second.Error?.Kind);
        Assert.NotNull(client.Limiter.LockedUntil);
        Assert.Single(_server.RestRequests);
    }

    [Theory]
    [InlineData(FakeBitsoScenario.ServerError, BitsoErrorKind.Transient)]
    [InlineData(FakeBitsoScenario.MalformedJson, BitsoErrorKind.Malformed)]
    [InlineData(FakeBitsoScenario.UnknownBook, BitsoErrorKind.InvalidRequest)]
    [InlineData(FakeBitsoScenario.Slow, BitsoErrorKind.Timeout)]
    public async Task GetOrderBookAsync_WhenServerMisbehaves_ReturnsATypedError(FakeBitsoScenario scenario, BitsoErrorKind expected)
    {
        using var client = Client(o => o.RequestTimeout = TimeSpan.FromMilliseconds(900));
        _server.Scenario = scenario;
        _server.SlowDelay = TimeSpan.FromSeconds(5);

        var result = await client.GetOrderBookAsync("btc_mxn", default);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Error.Kind);
    }

    [Fact]
    public async Task GetOrderBookAsync_WhenServerIsGone_ReturnsTransient()
    {
        var options = MarketTest.BitsoOptionsFor(_server.RestBaseUrl, _server.WebSocketUrl);
        await _server.DisposeAsync();
        _server = await FakeBitsoServer.StartAsync();
        using var client = MarketTest.RestClient(options);

        var result = await client.GetOrderBookAsync("btc_mxn", default);

        Assert.Contains(result.Error?.Kind, new BitsoErrorKind?[] { BitsoErrorKind.Transient, BitsoErrorKind.Timeout });
    }

    [Fact]
    public async Task GetOrderBookAsync_WhenCredentialsConfigured_SignsWithHmacTheServerVerifies()
    {
        _server.ApiSecret = "test-secret";
        using var signed = Client(o => { o.ApiKey = "test-key"; o.ApiSecret = "test-secret"; });
        using var wrong = Client(o => { o.ApiKey = "test-key"; o.ApiSecret = "not-the-secret"; });

        var ok = await signed.GetOrderBookAsync("usd_mxn", default);
        var refused = await wrong.GetOrderBookAsync("usd_mxn", default);

        Assert.True(ok.IsSuccess, ok.Error?.ToString());
        Assert.Equal(BitsoOptions.SignedLimitPerMinute, signed.Limiter.Limit);
        Assert.StartsWith("Bitso test-key:", _server.RestRequests[0].Authorization);
        Assert.Equal(BitsoErrorKind.Unauthorized, refused.Error?.Kind);
        Assert.DoesNotContain("secret", signed.ToString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Sign_MatchesBitsoDocumentedMessageLayout()
    {
        var signer = new BitsoRequestSigner("key", "secret", TimeProvider.System);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("secret"u8, "1722377101123GET/api/v3/balance/"u8));

        Assert.Equal(expected, signer.Sign(1722377101123, "get", "/api/v3/balance/", ""));
    }

    [Fact]
    public async Task GetOrderBookAsync_WhenBookNameInvalid_Throws()
    {
        using var client = Client();
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetOrderBookAsync("BTC-MXN", default));
    }

    [SkippableFact]
    public void ReadRestOrderBook_OnBitsosOwnCapturedAnswer_FindsTheDocumentedTopOfBook()
    {
        var file = SharedData.RequirePath("bitso_raw", "bitsoex_bitso-java", "src", "test", "java", "JSONFiles", "publicOrderBook.json");
        using var document = JsonDocument.Parse(File.ReadAllText(file));

        var snapshot = BitsoJson.ReadRestOrderBook("btc_mxn", document.RootElement.GetProperty("payload"));

        Assert.Equal(46850.01m, snapshot.BestBid?.Price);
        Assert.Equal(46990.00m, snapshot.BestAsk?.Price);
        Assert.Equal(18805917L, snapshot.Sequence);
        Assert.Equal(new DateTimeOffset(2017, 8, 1, 21, 7, 54, TimeSpan.Zero), snapshot.UpdatedAt);
    }

    [Fact]
    public void ParseTimestamp_AcceptsBothOffsetStyles()
    {
        Assert.Equal(BitsoJson.ParseTimestamp("2017-08-01T21:07:54+00:00"), BitsoJson.ParseTimestamp("2017-08-01T21:07:54+0000"));
        Assert.Equal(new DateTimeOffset(2024, 7, 30, 22, 5, 1, TimeSpan.Zero), BitsoJson.ParseTimestamp("2024-07-30T22:05:01.000+00:00"));
        Assert.Throws<FormatException>(() => BitsoJson.ParseTimestamp("yesterday"));
    }
}
