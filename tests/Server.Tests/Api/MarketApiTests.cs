using System.Net;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary><c>serve --demo</c> with the shipped per-second workflow: simulated books recorded every second, read through the API.</summary>
public sealed class MarketApiTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        new Dictionary<string, string> { ["order-book-every-second.json"] = RepoFiles.Workflow("order-book-every-second") }, demo: true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Demo_RecordsBothBooksEverySecond()
    {
        JsonElement latest = default;
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(100);
            latest = JsonDocument.Parse(await _server.Http.GetStringAsync("/api/spreads/latest?limit=10")).RootElement;
            if (latest.GetArrayLength() >= 6) break;
        }

        var rows = latest.EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("book").GetString() == "btc_mxn");
        Assert.Contains(rows, r => r.GetProperty("book").GetString() == "usd_mxn");
        Assert.All(rows, r => Assert.Equal("simulated", r.GetProperty("source").GetString()));
        var seconds = rows.Select(r => r.GetProperty("second").GetDateTimeOffset()).Distinct().Order().ToList();
        Assert.True(seconds.Count >= 3);
        Assert.All(seconds.Skip(1).Zip(seconds), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.First - pair.Second));

        var range = JsonDocument.Parse(await _server.Http.GetStringAsync("/api/spreads/btc_mxn")).RootElement;
        Assert.True(range.GetArrayLength() >= 3);
    }

    [Theory]
    [InlineData("/api/spreads/BTC-MXN")]
    [InlineData("/api/spreads/btc_mxn?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("/api/spreads/latest?limit=0")]
    [InlineData("/api/alerts?book=nope!")]
    public async Task BadInput_Is400(string url)
    {
        using var response = await _server.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
