using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BitsoWorkflows.Engine.Hosting;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>
/// <c>serve</c> as a child process (the built server, as a person starts it) over a temp data dir, on a free loopback
/// port, with an HTTP client that signs in with the local key the server writes. Killed on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _disposed;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();

    private ServerProcess(Process process, string root, Uri address)
    {
        _process = process;
        Root = root;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Root { get; }

    public string DataDir => Path.Combine(Root, "data");

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    /// <summary>Starts <c>serve</c> with the given shipped workflows and <c>Section__Key</c> environment settings, and waits until it answers.</summary>
    /// <param name="root">A folder a previous server used (its data dir and workflows are used again), or null for a new one.</param>
    /// <param name="arguments">More command-line arguments, e.g. <c>--Section:Key=value</c> settings.</param>
    /// <param name="readyTimeout">How long to wait for it to answer (default 150 s).</param>
    public static async Task<ServerProcess> StartAsync(
        string[] workflows, IReadOnlyDictionary<string, string> environment, bool demo = true, string? root = null, IReadOnlyList<string>? arguments = null,
        TimeSpan? readyTimeout = null)
    {
        root ??= TempFolder.Create();
        Directory.CreateDirectory(Path.Combine(root, "workflows"));
        foreach (var id in workflows)
            await File.WriteAllTextAsync(Path.Combine(root, "workflows", id + ".json"), RepoFiles.Workflow(id));
        var address = new Uri($"http://127.0.0.1:{Shell.FreePort()}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BitsoWorkflows.Server.dll"));
        foreach (var arg in (string[])["serve", "--urls", address.ToString().TrimEnd('/'), "--data-dir", Path.Combine(root, "data"), "--workflows-dir", Path.Combine(root, "workflows")])
            start.ArgumentList.Add(arg);
        if (demo)
            start.ArgumentList.Add("--demo");
        foreach (var argument in arguments ?? [])
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var process = Process.Start(start)!;
        var server = new ServerProcess(process, root, address);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            server._errors.Enqueue(e.Data);
            while (server._errors.Count > 40 && server._errors.TryDequeue(out var _)) { }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(readyTimeout ?? StartPatience);
        }
        catch
        {
            await server.DisposeAsync(deleteData: false);
            throw;
        }
        return server;
    }

    /// <summary>Waits (up to 60 s) until the workflow has at least <paramref name="count"/> succeeded runs.</summary>
    public async Task WaitForSucceededRunsAsync(string workflowId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync($"/api/runs?workflow={workflowId}&status=succeeded&limit=100")).RootElement.GetArrayLength() < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"fewer than {count} runs of {workflowId} succeeded within 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Whether the process has ended (a crash point it reached kills it).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote to standard error.</summary>
    public string LastErrors => string.Join("\n", _errors);

    /// <summary>Waits until the process ends by itself; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The child's resident memory now, in bytes (Linux; 0 elsewhere).</summary>
    public long ResidentBytes()
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status))
            return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would: nothing is flushed or closed. The data dir stays for a restart.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync() => await DisposeAsync(deleteData: true);

    /// <summary>Stops the server (SIGKILL) and, unless told to keep it, deletes its folder.</summary>
    public async ValueTask DisposeAsync(bool deleteData)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Http.Dispose();
        await KillAsync();
        _process.Dispose();
        if (!deleteData)
            return;
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // A start takes seconds; on a loaded machine (other test collections, a build beside them) it has taken over 60.
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(150);

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"serve exited with {_process.ExitCode} before answering:\n{LastErrors}");
            if (BitsoWorkflows.Server.Auth.LocalCliKey.Attach(Http, new DataDirectory(DataDir)))
            {
                try
                {
                    using var response = await Http.GetAsync("/api/workflows");
                    if (response.IsSuccessStatusCode)
                        return;
                }
                catch (HttpRequestException)
                {
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"serve did not answer within {timeout.TotalSeconds:F0} s; its last lines on stderr:\n{LastErrors}");
            await Task.Delay(200);
        }
    }
}
