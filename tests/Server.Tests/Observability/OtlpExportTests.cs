using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Studio.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BitsoWorkflows.Server.Tests.Observability;

/// <summary>With the standard <c>OTEL_EXPORTER_OTLP_*</c> settings the server exports metrics and run traces to a collector (here a fake one on loopback).</summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
    private WebApplication _collector = null!;
    private StudioTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            _received.Enqueue((http.Request.Path, body.ToArray()));
            return Results.Ok();
        });
        await _collector.StartAsync();
        _server = await StudioTestServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Urls.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _collector.StopAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task Run_WithOtlpEndpointSet_ExportsItsTraceAndMetrics()
    {
        using var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", _server.Get<BitsoWorkflows.Server.Auth.ApiKeyStore>().Create("otlp-test"));
        using var response = await http.PostAsJsonAsync($"/api/workflows/{TestWorkflows.HelloId}/runs", new { });
        var runId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // The run's id is a tag of its spans, so it appears in the protobuf of the traces export.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(_received.Any(r => r.Path == "/v1/traces" && Encoding.UTF8.GetString(r.Body).Contains(runId, StringComparison.Ordinal))
            && _received.Any(r => r.Path == "/v1/metrics" && Encoding.UTF8.GetString(r.Body).Contains("workflow.run.started", StringComparison.Ordinal))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"within 60 s the collector got: {string.Join(", ", _received.Select(r => r.Path).Distinct())}");
            await Task.Delay(200);
        }
    }
}
