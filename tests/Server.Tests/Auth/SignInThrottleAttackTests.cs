using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BitsoWorkflows.Server.Tests.Studio.Support;

namespace BitsoWorkflows.Server.Tests.Auth;

/// <summary>Password guessing against the real server, the ways an attacker on the same host would try it.</summary>
public sealed class SignInThrottleAttackTests
{
    [Fact]
    public async Task Basic_WithAForgedForwardedForOnEveryGuess_IsStillThrottledByDefault()
    {
        await using var server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string> { ["Auth:MaxFailedSignIns"] = "5" });
        using var http = server.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.SendAsync(Guess("admin", "guess" + i, forwardedFor: $"198.51.100.{i + 1}"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Basic_WithConcurrentGuesses_NeverLetsMoreThanTheLimitThrough()
    {
        await using var server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string> { ["Auth:MaxFailedSignIns"] = "3" });
        using var http = server.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => http.SendAsync(Guess("admin", "guess" + i))));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses) response.Dispose();

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(13, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Basic_ASuccessInBetween_DoesNotEraseEarlierFailures()
    {
        await using var server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string> { ["Auth:MaxFailedSignIns"] = "3" });
        using var http = server.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var password in new[] { "guess1", "guess2", StudioTestServer.AdminPassword, "guess3", StudioTestServer.AdminPassword })
        {
            using var response = await http.SendAsync(Guess("admin", password));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Basic_GuessesSpreadOverManyAddresses_AreCountedPerUserName()
    {
        await using var server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Auth:MaxFailedSignIns"] = "3",
            ["Auth:MaxFailedSignInsPerUser"] = "4",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        using var http = server.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            using var wrong = await http.SendAsync(Guess("admin", "guess" + i, forwardedFor: $"198.51.100.{i + 1}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var fromElsewhere = await http.SendAsync(Guess("admin", StudioTestServer.AdminPassword, forwardedFor: "198.51.100.99"));

        Assert.Equal(HttpStatusCode.TooManyRequests, fromElsewhere.StatusCode);
    }

    private static HttpRequestMessage Guess(string user, string password, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))) },
        };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }
}
