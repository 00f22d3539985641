using BitsoWorkflows.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Server.Tests.Studio.Support;

/// <summary>
/// The real server (<see cref="ServerApp"/>: engine, API, sign-in, Studio) on a free port of 127.0.0.1, with a temp
/// data dir and workflows folder that are deleted afterwards.
/// </summary>
public sealed class StudioTestServer : IAsyncDisposable
{
    public const string AdminPassword = "studio-test-password";

    private readonly WebApplication _app;

    private StudioTestServer(string root, WebApplication app, Uri address)
    {
        Root = root;
        _app = app;
        Address = address;
    }

    public string Root { get; }

    public Uri Address { get; }

    public string DataDir => Path.Combine(Root, "data");

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>
    /// Starts a server with the given workflow files and configuration (<c>key=value</c>); the admin password is
    /// <see cref="AdminPassword"/> unless settings say otherwise. <paramref name="demo"/> as <c>serve --demo</c>: the
    /// order-book capture simulates the books.
    /// </summary>
    public static async Task<StudioTestServer> StartAsync(IReadOnlyDictionary<string, string>? workflowFiles = null, IReadOnlyDictionary<string, string>? settings = null, bool demo = false)
    {
        var root = Path.Combine(Path.GetTempPath(), "bw-studio-tests", Guid.NewGuid().ToString("N"));
        var workflows = Directory.CreateDirectory(Path.Combine(root, "workflows")).FullName;
        foreach (var (name, json) in workflowFiles ?? TestWorkflows.Default)
            await File.WriteAllTextAsync(Path.Combine(workflows, name), json);

        var values = new Dictionary<string, string>
        {
            ["Auth:Users:0:Name"] = "admin",
            ["Auth:Users:0:Password"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Engine:WorkflowFilePollInterval"] = "00:10:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) values[key] = value;

        var global = new GlobalOptions(Path.Combine(root, "data"), workflows, Demo: demo, Urls: "http://127.0.0.1:0");
        var app = ServerApp.Build(global, values.Select(p => $"--{p.Key}={p.Value}").ToArray());
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        var server = new StudioTestServer(root, app, address);
        await server.WaitHealthyAsync();
        return server;
    }

    public HttpClient CreateClient(bool allowRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = allowRedirects }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    private async Task WaitHealthyAsync()
    {
        using var http = CreateClient();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var response = await http.GetAsync("/health");
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException("The server did not become healthy.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing handle; the temp folder is cleaned by the OS.
        }
    }
}
