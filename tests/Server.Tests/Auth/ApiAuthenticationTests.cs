using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Tests.Studio.Support;

namespace BitsoWorkflows.Server.Tests.Auth;

/// <summary>The API and pages against the real server: who gets in, and how those who do not are answered.</summary>
public sealed class ApiAuthenticationTests : IAsyncLifetime
{
    private const string ConfiguredKey = "bw_configured-key-for-tests";
    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:ApiKeys:0:Name"] = "ci",
        ["Auth:ApiKeys:0:Hash"] = ApiKeyStore.HashKey(ConfiguredKey),
        ["Auth:MaxFailedSignIns"] = "3",
        // The tests that send X-Forwarded-For play a reverse proxy on this host, which must be listed to be believed.
        ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Api_WithoutCredentials_Answers401WithBasicChallengeNotRedirect()
    {
        using var http = _server.CreateClient();

        using var response = await http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task Health_WithoutCredentials_Answers200()
    {
        using var http = _server.CreateClient();

        using var response = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithConfiguredApiKey_Answers200()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ConfiguredKey);

        using var response = await http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(TestWorkflows.HelloId, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_WithStoredApiKey_Answers200UntilRevoked()
    {
        var keys = _server.Get<ApiKeyStore>();
        var key = keys.Create("nightly-export");
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", key);

        using var before = await http.GetAsync("/api/runs");
        keys.Revoke("nightly-export");
        using var after = await http.GetAsync("/api/runs");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Api_WithUnknownApiKey_Answers401()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", "bw_not-a-key");

        using var response = await http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithBasicOfConfiguredUser_Answers200()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Authorization = Basic("admin", StudioTestServer.AdminPassword);

        using var response = await http.GetAsync("/api/runs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithBasicAndWrongPassword_Answers401()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Authorization = Basic("admin", "wrong");

        using var response = await http.GetAsync("/api/runs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithLocalCliKey_Answers200AndTheKeyFileIsOwnerOnly()
    {
        var data = new DataDirectory(_server.DataDir);
        using var http = _server.CreateClient();

        Assert.True(LocalCliKey.Attach(http, data));
        using var response = await http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LocalCliKey.PathIn(data)));
    }

    [Fact]
    public async Task Page_WithoutSignIn_RedirectsToLoginWithReturnUrl()
    {
        using var http = _server.CreateClient();

        using var response = await http.GetAsync("/runs");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fruns", response.Headers.Location.Query);
    }

    [Fact]
    public async Task Login_WithRightPassword_SetsCookieThatOpensPagesAndApi()
    {
        using var http = _server.CreateClient();
        var token = await AntiforgeryTokenAsync(http);

        using var login = await http.PostAsync("/account/login", Form(("username", "admin"), ("password", StudioTestServer.AdminPassword), ("returnUrl", "/runs"), ("__RequestVerificationToken", token)));
        using var page = await http.GetAsync("/");
        using var api = await http.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/runs", login.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task Login_WithWrongPassword_ReturnsToLoginWithError()
    {
        using var http = _server.CreateClient();
        var token = await AntiforgeryTokenAsync(http);

        using var login = await http.PostAsync("/account/login", Form(("username", "admin"), ("password", "nope"), ("returnUrl", "/"), ("__RequestVerificationToken", token)));
        using var page = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains("error=1", login.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRejected()
    {
        using var http = _server.CreateClient();

        using var login = await http.PostAsync("/account/login", Form(("username", "admin"), ("password", StudioTestServer.AdminPassword)));

        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }

    [Fact]
    public async Task Login_WithForeignReturnUrl_GoesHomeInstead()
    {
        using var http = _server.CreateClient();
        var token = await AntiforgeryTokenAsync(http);

        using var login = await http.PostAsync("/account/login", Form(("username", "admin"), ("password", StudioTestServer.AdminPassword), ("returnUrl", "//evil.example/"), ("__RequestVerificationToken", token)));

        Assert.Equal("/", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Basic_AfterTooManyWrongPasswords_Answers429WithRetryAfterEvenForTheRightOne()
    {
        using var http = _server.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { Authorization = Basic("admin", "guess" + i) } });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { Authorization = Basic("admin", StudioTestServer.AdminPassword) } });
        using var withKey = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "X-Api-Key", ConfiguredKey } } });

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        var retryAfter = right.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.FromMinutes(4) && retryAfter <= TimeSpan.FromMinutes(5), $"Retry-After {retryAfter}");
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    [Fact]
    public async Task Basic_BehindALocalProxy_CountsWrongPasswordsPerForwardedClient()
    {
        using var http = _server.CreateClient();
        HttpRequestMessage From(string client, string password)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { Authorization = Basic("admin", password) } };
            request.Headers.Add("X-Forwarded-For", client);
            return request;
        }
        for (var i = 0; i < 3; i++)
            (await http.SendAsync(From("203.0.113.5", "guess" + i))).Dispose();

        using var guesser = await http.SendAsync(From("203.0.113.5", StudioTestServer.AdminPassword));
        using var colleague = await http.SendAsync(From("203.0.113.6", StudioTestServer.AdminPassword));

        Assert.Equal(HttpStatusCode.TooManyRequests, guesser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, colleague.StatusCode);
    }

    [Fact]
    public async Task Login_AfterTooManyWrongPasswords_SaysHowLongToWaitAndDoesNotSignIn()
    {
        using var http = _server.CreateClient();
        var token = await AntiforgeryTokenAsync(http);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await http.PostAsync("/account/login", Form(("username", "admin"), ("password", "guess" + i), ("returnUrl", "/"), ("__RequestVerificationToken", token)));
            Assert.Contains("error=1", wrong.Headers.Location!.OriginalString);
        }

        using var right = await http.PostAsync("/account/login", Form(("username", "admin"), ("password", StudioTestServer.AdminPassword), ("returnUrl", "/"), ("__RequestVerificationToken", token)));
        var loginPage = await http.GetStringAsync(right.Headers.Location!.OriginalString);
        using var home = await http.GetAsync("/");

        Assert.Contains("error=wait", right.Headers.Location!.OriginalString);
        Assert.Contains("Too many wrong passwords from this address. Try again in 5 minute(s).", loginPage);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>The login page's antiforgery token; the client keeps the matching cookie.</summary>
    private static async Task<string> AntiforgeryTokenAsync(HttpClient http)
    {
        var html = await http.GetStringAsync("/login");
        const string marker = "name=\"__RequestVerificationToken\" value=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "the login page has no antiforgery token");
        start += marker.Length;
        return html[start..html.IndexOf('"', start)];
    }
}
