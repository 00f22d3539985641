using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Studio.Support;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Auth;

/// <summary>Who did what, when and from where: recorded by the API and sign-in, read through the API and the CLI.</summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:Users:1:Name"] = "otto",
        ["Auth:Users:1:Password"] = "operator-password",
        ["Auth:Users:1:Role"] = "Operator",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Actions_AreRecordedWithWhoWhatWhereAndOutcome_AndListedForAdminsOnly()
    {
        using var otto = Client("otto", "operator-password");
        using var guesser = Client("otto", "wrong");
        using var admin = Client("admin", StudioTestServer.AdminPassword);

        (await guesser.GetAsync("/api/runs")).Dispose();
        (await otto.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/pause", null)).Dispose();
        (await otto.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/resume", null)).Dispose();
        (await otto.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/runs", new StringContent("{}", Encoding.UTF8, "application/json"))).Dispose();
        (await otto.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/versions/1/revert", null)).Dispose();
        using var forOtto = await otto.GetAsync("/api/audit");
        var entries = JsonDocument.Parse(await admin.GetStringAsync("/api/audit?user=otto")).RootElement.EnumerateArray()
            .Select(e => $"{e.GetProperty("actor").GetString()} {e.GetProperty("address").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} {e.GetProperty("outcome").GetString()}")
            .ToList();

        Assert.Equal(HttpStatusCode.Forbidden, forOtto.StatusCode);
        Assert.Contains("otto 127.0.0.1 sign-in basic failed", entries);
        Assert.Contains($"otto 127.0.0.1 pause {TestWorkflows.HelloId} 204", entries);
        Assert.Contains($"otto 127.0.0.1 resume {TestWorkflows.HelloId} 204", entries);
        Assert.Contains(entries, e => e.StartsWith($"otto 127.0.0.1 run-now {TestWorkflows.HelloId} 202", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("revert", StringComparison.Ordinal)); // refused before it ran: 403, not an action
    }

    [Fact]
    public async Task AuditList_FromTheCli_ShowsTheApiKeysMadeAndRevoked()
    {
        await _server.DisposeAsync();
        var root = TempFolder.Create();
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "workflows"));
            var created = await CliProcess.RunAsync(root, "apikeys", "create", "nightly", "--role", "viewer");
            var revoked = await CliProcess.RunAsync(root, "apikeys", "revoke", "nightly");
            var listed = await CliProcess.RunAsync(root, "audit", "list", "--format", "json", "--since", "2020-01-01T00:00:00Z");

            Assert.Equal(0, created.ExitCode);
            Assert.Equal(0, revoked.ExitCode);
            Assert.Equal(0, listed.ExitCode);
            var actions = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
            Assert.Equal(["apikey.revoke", "apikey.create"], actions);
        }
        finally
        {
            TempFolder.Delete(root);
            _server = await StudioTestServer.StartAsync();
        }
    }

    private HttpClient Client(string user, string password)
    {
        var http = _server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }
}
