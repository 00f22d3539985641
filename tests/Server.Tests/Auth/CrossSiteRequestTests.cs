using System.Net;
using System.Text;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Tests.Studio.Support;

namespace BitsoWorkflows.Server.Tests.Auth;

/// <summary>What a page from another origin can make a signed-in browser do: nothing unsafe without the antiforgery token.</summary>
public sealed class CrossSiteRequestTests : IAsyncLifetime
{
    private const string Key = "bw_key-for-csrf-tests";
    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:ApiKeys:0:Name"] = "ci",
        ["Auth:ApiKeys:0:Hash"] = ApiKeyStore.HashKey(Key),
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Pause_WithTheCookieButNoAntiforgeryToken_Answers403AndDoesNotPause()
    {
        using var browser = await SignedInBrowserAsync();

        using var forged = await browser.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/pause", null);
        var workflow = await browser.GetStringAsync($"/api/workflows/{TestWorkflows.HelloId}");

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"isPaused\":false", workflow.Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_WithTheCookieAndATextPlainBody_IsRefused()
    {
        using var browser = await SignedInBrowserAsync();

        using var forged = await browser.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/versions", new StringContent("{}", Encoding.UTF8, "text/plain"));

        Assert.True(forged.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.UnsupportedMediaType, forged.StatusCode.ToString());
    }

    [Fact]
    public async Task Pause_WithTheCookieAndTheStudiosAntiforgeryToken_Answers204()
    {
        using var browser = await SignedInBrowserAsync();
        var token = TokenIn(await browser.GetStringAsync("/"));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{TestWorkflows.HelloId}/pause");
        request.Headers.Add("RequestVerificationToken", token);
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Pause_WithAnApiKeyAndNoToken_Answers204()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);

        using var response = await http.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/pause", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data")]
    public async Task Publish_WithAnApiKeyAndANonJsonContentType_Answers415(string contentType)
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        using var content = new StringContent("{\"id\":\"x\"}", Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await http.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/versions", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var http = _server.CreateClient();
        var token = TokenIn(await http.GetStringAsync("/login"));
        using var login = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["password"] = StudioTestServer.AdminPassword,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.DoesNotContain("error", login.Headers.Location!.OriginalString);
        return http;
    }

    private static string TokenIn(string html)
    {
        const string marker = "name=\"__RequestVerificationToken\" value=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "the page has no antiforgery token");
        start += marker.Length;
        return html[start..html.IndexOf('"', start)];
    }
}
