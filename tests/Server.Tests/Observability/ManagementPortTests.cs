using System.Net;
using System.Net.Sockets;
using BitsoWorkflows.Server.Tests.Studio.Support;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Observability;

/// <summary>With <c>Observability:ManagementUrl</c> the scrape endpoint moves to that port, open there and gone from the main one.</summary>
public sealed class ManagementPortTests : IAsyncLifetime
{
    private readonly int _port = Shell.FreePort();
    private StudioTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Observability:ManagementUrl"] = $"http://127.0.0.1:{_port}",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Metrics_OnManagementPort_AnswersWithoutCredentials()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_OnMainPort_WhenManagementPortSet_IsNotServed()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", _server.Get<BitsoWorkflows.Server.Auth.ApiKeyStore>().Create("scraper"));

        using var response = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
