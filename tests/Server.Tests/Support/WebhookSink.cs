using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>A webhook receiver on Kestrel at 127.0.0.1 that keeps each POST's headers and body; the first <see cref="FailFirst"/> POSTs get a 503.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _seen;

    private WebhookSink(WebApplication app) => _app = app;

    public int FailFirst { get; set; }

    public ConcurrentQueue<(IReadOnlyDictionary<string, string> Headers, string Body)> Received { get; } = new();

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/hook", async (Microsoft.AspNetCore.Http.HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (Interlocked.Increment(ref sink._seen) <= sink.FailFirst) return Microsoft.AspNetCore.Http.Results.StatusCode(503);
            sink.Received.Enqueue((http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
