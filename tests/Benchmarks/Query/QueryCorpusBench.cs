using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Activities.Tests.Lake;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Benchmarks.Query;

/// <summary>
/// <c>query-corpus [--data-dir ./data] [--url &lt;server&gt;] [--corpus tests/corpora/hostile-queries.txt]</c>: sends every
/// statement of the hostile corpus to <c>POST /api/query</c> of a running server (found through the data dir's
/// <c>server.json</c>, signed in with its local key) and prints
/// <c>N refused as expected, N accepted, N server errors</c>, naming every statement whose answer was not the expected one.
/// Exit code 1 when any was accepted or answered 5xx.
/// </summary>
internal static class QueryCorpusBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var data = new DataDirectory(Path.GetFullPath(Option(args, "--data-dir") ?? "data"));
        var url = Option(args, "--url") ?? ServerLockFile.ReadLive(data)?.Url
            ?? throw new InvalidOperationException($"no server holds {data.Root}; start one (serve --data-dir {data.Root}) or pass --url");
        var corpus = HostileQuery.Load(Option(args, "--corpus") ?? FindCorpus(), new Dictionary<string, string>
        {
            ["data"] = data.Root,
            ["lake"] = data.Folder("lake"),
            ["link"] = Path.Combine(data.Folder("lake"), "link"),
        });
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        if (!LocalCliKey.Attach(http, data))
            throw new InvalidOperationException($"no local key in {data.Root}: is the server running on it?");

        int expected = 0, accepted = 0, serverErrors = 0, other = 0;
        foreach (var query in corpus)
        {
            using var response = await http.PostAsJsonAsync("/api/query", new { sql = query.Sql });
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            var reason = status >= 400 && body.StartsWith('{') ? JsonDocument.Parse(body).RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null : null;
            var truncated = response.Headers.TryGetValues("X-Query-Truncated", out var values) ? values.First() : null;
            var matched = query.Outcome switch
            {
                "refused" => status == 400 && reason == "Refused",
                "toolarge" => status == 413,
                "cut" => status == 200 && truncated == query.Expected,
                "failed" => status == 400 && reason is "TimedOut" or "OutOfMemory" or "Failed",
                _ => false,
            };
            if (matched)
            {
                expected++;
                continue;
            }
            if (status >= 500)
                serverErrors++;
            else if (status < 300 && query.Outcome is "refused" or "toolarge")
                accepted++;
            else
                other++;
            Console.WriteLine($"  {query}\n    answered {status} {reason ?? truncated}: {(body.Length > 300 ? body[..300] + "…" : body)}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{expected} refused as expected, {accepted} accepted, {serverErrors} server errors{(other > 0 ? $", {other} other answers" : "")} ({corpus.Count} statements, {url})"));
        return accepted + serverErrors > 0 ? 1 : 0;
    }

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "corpora", "hostile-queries.txt");
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException("tests/corpora/hostile-queries.txt is not above the current folder; pass --corpus");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
