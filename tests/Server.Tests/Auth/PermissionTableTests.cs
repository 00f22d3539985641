using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BitsoWorkflows.Server.Tests.Api;
using BitsoWorkflows.Server.Tests.Studio.Support;

namespace BitsoWorkflows.Server.Tests.Auth;

/// <summary>
/// Every <c>/api</c> route (from the server's endpoint table) × {anonymous, viewer, operator, admin}: 401 without
/// credentials, 403 problem details naming the role when the caller's role is below the route's, never 401/403/5xx
/// otherwise. A route missing from <see cref="Table"/> fails the test, so new routes must be given a role.
/// </summary>
public sealed class PermissionTableTests : IAsyncLifetime
{
    /// <summary>The least role each route needs; "METHOD pattern".</summary>
    private static readonly Dictionary<string, string> Table = new()
    {
        ["GET /api/workflows/"] = "Viewer",
        ["GET /api/workflows/{id}"] = "Viewer",
        ["GET /api/workflows/{id}/versions"] = "Viewer",
        ["GET /api/workflows/{id}/versions/{version:int}"] = "Viewer",
        ["POST /api/workflows/{id}/versions"] = "Admin",
        ["POST /api/workflows/{id}/versions/{version:int}/revert"] = "Admin",
        ["POST /api/workflows/{id}/drafts"] = "Admin",
        ["POST /api/workflows/{id}/versions/{version:int}/publish"] = "Admin",
        ["POST /api/workflows/{id}/pause"] = "Operator",
        ["POST /api/workflows/{id}/resume"] = "Operator",
        ["POST /api/workflows/{id}/runs"] = "Operator",
        ["GET /api/runs/"] = "Viewer",
        ["GET /api/runs/{id}"] = "Viewer",
        ["POST /api/runs/{id}/cancel"] = "Operator",
        ["POST /api/runs/{id}/retry"] = "Operator",
        ["GET /api/runs/{id}/history"] = "Viewer",
        ["POST /api/runs/{id}/notes"] = "Operator",
        ["POST /api/runs/{id}/mark"] = "Operator",
        ["POST /api/runs/{id}/clear"] = "Operator",
        ["GET /api/deadline-misses"] = "Viewer",
        ["POST /api/backfills/"] = "Operator",
        ["GET /api/backfills/"] = "Viewer",
        ["GET /api/backfills/{id}"] = "Viewer",
        ["POST /api/backfills/{id}/cancel"] = "Operator",
        ["GET /api/alerts"] = "Viewer",
        ["GET /api/spreads/latest"] = "Viewer",
        ["GET /api/spreads/{book}"] = "Viewer",
        ["POST /api/query"] = "Viewer",
        ["GET /api/lake/partitions"] = "Viewer",
        ["GET /api/answers"] = "Viewer",
        ["GET /api/answers/{name}"] = "Viewer",
        ["GET /api/warehouse/tables"] = "Viewer",
        ["GET /api/warehouse/rejects"] = "Viewer",
        ["GET /api/audit"] = "Admin",
        ["GET /api/assets"] = "Viewer",
        ["GET /api/nodes"] = "Viewer",
        ["DELETE /api/nodes/{name}"] = "Operator",
    };

    private static readonly string[] Roles = ["Viewer", "Operator", "Admin"];

    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:Users:1:Name"] = "vera",
        ["Auth:Users:1:Password"] = "viewer-password",
        ["Auth:Users:1:Role"] = "Viewer",
        ["Auth:Users:2:Name"] = "otto",
        ["Auth:Users:2:Password"] = "operator-password",
        ["Auth:Users:2:Role"] = "Operator",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryRoute_ForEveryRole_AnswersAsTheTableSays()
    {
        var callers = new (string Name, string? Role, AuthenticationHeaderValue? Credentials)[]
        {
            ("anonymous", null, null),
            ("vera", "Viewer", Basic("vera", "viewer-password")),
            ("otto", "Operator", Basic("otto", "operator-password")),
            ("admin", "Admin", Basic("admin", StudioTestServer.AdminPassword)),
        };
        var routes = MalformedInputSweepTests.ApiRoutes(_server.Services).ToList();
        var unlisted = routes.Select(r => $"{r.Method} {r.Pattern}").Where(k => !Table.ContainsKey(k)).ToList();
        Assert.True(unlisted.Count == 0, "routes without a role in the table: " + string.Join(", ", unlisted));

        var wrong = new List<string>();
        using var http = _server.CreateClient();
        foreach (var route in routes)
        {
            var needed = Table[$"{route.Method} {route.Pattern}"];
            foreach (var (name, role, credentials) in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Url(MalformedInputSweepTests.WellFormedValue, query: null));
                request.Headers.Authorization = credentials;
                if (route.Method != "GET") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await http.SendAsync(request);
                var status = (int)response.StatusCode;
                var expected = role is null ? "401" : Array.IndexOf(Roles, role) < Array.IndexOf(Roles, needed) ? "403" : "allowed";
                var ok = expected switch
                {
                    "401" => status == 401,
                    "403" => status == 403 && (await response.Content.ReadAsStringAsync()).Contains($"needs the {needed} role", StringComparison.Ordinal),
                    _ => status is not (401 or 403) && status < 500,
                };
                if (!ok) wrong.Add($"{route.Method} {route.Pattern} as {name}: {status}, expected {expected}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task ApiKey_WithViewerRole_Gets403NamingOperatorOnPause()
    {
        var key = _server.Get<BitsoWorkflows.Server.Auth.ApiKeyStore>().Create("dashboard", BitsoWorkflows.Server.Auth.AccessRole.Viewer);
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", key);

        using var read = await http.GetAsync("/api/workflows");
        using var pause = await http.PostAsync($"/api/workflows/{TestWorkflows.HelloId}/pause", null);
        var problem = await pause.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
        Assert.Equal("application/problem+json", pause.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"requiredRole\":\"Operator\"", problem);
        Assert.Contains("dashboard has Viewer", problem);
    }

    [Fact]
    public void ApiKey_StoredBeforeRoles_KeepsFullRightsShownAsAdmin()
    {
        var keys = _server.Get<BitsoWorkflows.Server.Auth.ApiKeyStore>();
        var key = "bw_made-before-roles";
        File.WriteAllText(keys.KeysPath, $$"""[{"name":"old-export","hash":"{{BitsoWorkflows.Server.Auth.ApiKeyStore.HashKey(key)}}","createdAt":"2026-11-01T00:00:00Z"}]""");

        var owner = keys.FindOwner(key);

        Assert.Equal(new BitsoWorkflows.Server.Auth.ApiKeyStore.KeyOwner("old-export", BitsoWorkflows.Server.Auth.AccessRole.Admin), owner);
        Assert.Null(Assert.Single(keys.ListStored()).Role);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
