using BitsoWorkflows.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>The real server (Kestrel on 127.0.0.1, a free port) over a temp data dir and workflows folder.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(string root, WebApplication app, Uri address)
    {
        Root = root;
        App = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Root { get; }

    public string DataDir => Path.Combine(Root, "data");

    public string WorkflowsDir => Path.Combine(Root, "workflows");

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Starts a server; <paramref name="workflows"/> maps file names to definition JSON.</summary>
    public static async Task<TestServer> StartAsync(IReadOnlyDictionary<string, string>? workflows = null, string? root = null, string[]? configuration = null, bool demo = false)
    {
        root ??= TempFolder.Create();
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        foreach (var (name, json) in workflows ?? new Dictionary<string, string>())
            await File.WriteAllTextAsync(Path.Combine(root, "workflows", name), json);
        var app = ServerApp.Build(new GlobalOptions(Path.Combine(root, "data"), Path.Combine(root, "workflows"), demo, "http://127.0.0.1:0"),
            ["--Scheduler:ReconcileInterval=00:00:01", .. configuration ?? []]);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var server = new TestServer(root, app, address);
        // Calls as the CLI does: with the local key the server wrote into its data dir.
        BitsoWorkflows.Server.Auth.LocalCliKey.Attach(server.Http, app.Services.GetRequiredService<Engine.Hosting.DataDirectory>());
        await server.WaitUntilHealthyAsync();
        return server;
    }

    public async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await Http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the server did not become healthy within 30 s");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TempFolder.Delete(Root);
    }
}
