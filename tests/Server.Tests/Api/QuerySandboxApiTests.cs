using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary><c>POST /api/query</c> past its limits: each answers a problem naming the limit, never a 500, and a storm of heavy queries costs the per-second workflow no second.</summary>
[Collection(HeavyLoadCollection.Name)]
public sealed class QuerySandboxApiTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Query_RefusedTooLongBusyOrCut_AnswersTheStatusThatSaysWhy()
    {
        await using var server = await TestServer.StartAsync(configuration: ["--Lake:MaxConcurrentQueries=1", "--Lake:QueueTimeout=00:00:00.200", "--Lake:QueryTimeout=00:00:03", "--Lake:MaxRows=5"]);

        using var refused = await PostAsync(server.Http, "select * from enable_logging('QueryLog')");
        using var tooLong = await PostAsync(server.Http, "select '" + new string('x', 100_001) + "'");
        using var cut = await PostAsync(server.Http, "select * from range(10)");
        var slow = PostAsync(server.Http, "select count(*) from range(1000000000) a, range(1000000000) b");
        await Task.Delay(500);
        using var busy = await PostAsync(server.Http, "select 1");
        using var timedOut = await slow;

        await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "Refused", "function enable_logging is not allowed");
        await AssertProblemAsync(tooLong, HttpStatusCode.RequestEntityTooLarge, "TooLarge", "at most 100,000");
        await AssertProblemAsync(busy, HttpStatusCode.TooManyRequests, "Busy", "Lake:MaxConcurrentQueries");
        Assert.NotNull(busy.Headers.RetryAfter);
        await AssertProblemAsync(timedOut, HttpStatusCode.BadRequest, "TimedOut", "Lake:QueryTimeout");
        Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
        Assert.Equal("Lake:MaxRows", Assert.Single(cut.Headers.GetValues("X-Query-Truncated")));
        Assert.Equal(5, JsonDocument.Parse(await cut.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
    }

    /// <summary>
    /// Eight clients send heavy queries for 30 s to <c>serve --demo</c>: no per-second run is missed, no answer is a 5xx,
    /// the server's memory grows by less than the query budget, and a plain query answers afterwards.
    /// </summary>
    [Fact]
    public async Task Query_EightHeavyClientsFor30Seconds_NoSecondMissedMemoryBoundedPlainQueryAnswers()
    {
        const long memoryLimit = 256L * 1024 * 1024;
        await using var server = await ServerProcess.StartAsync(
            ["order-book-every-second"],
            new Dictionary<string, string> { ["Lake__MemoryLimit"] = "256MB", ["Lake__QueryTimeout"] = "00:00:05" });
        await server.WaitForSucceededRunsAsync("order-book-every-second", 3);
        // Warm-up: the first query sets up the views; on a loaded machine it may outlast the 5 s timeout, so try again.
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(500))
        {
            using var warm = await PostAsync(server.Http, "select count(*) from spreads");
            if (warm.StatusCode == HttpStatusCode.OK) break;
            Assert.True(DateTime.UtcNow < deadline, $"the warm-up query still answers {(int)warm.StatusCode} after 60 s: {await warm.Content.ReadAsStringAsync()}");
        }
        var baseline = server.ResidentBytes();
        var stormStart = DateTimeOffset.UtcNow;

        string[] heavy =
        [
            "select count(distinct i::varchar || 'abcdefghijklmnopqrstuvwxyz') from range(30000000) t(i)",
            "select sum(a.range * b.range) from range(40000) a, range(40000) b",
            "select length(string_agg(s, '')) from (select 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' || i as s from range(20000000) t(i))",
            "select * from range(20000000) order by random() limit 10",
        ];
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var stop = Stopwatch.StartNew();
        var peak = baseline;
        var clients = Enumerable.Range(0, 8).Select(async client =>
        {
            for (var i = client; stop.Elapsed < TimeSpan.FromSeconds(30); i++)
            {
                using var response = await PostAsync(server.Http, heavy[i % heavy.Length]);
                statuses.Add((int)response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    await Task.Delay(200);
            }
        }).ToList();
        while (clients.Any(c => !c.IsCompleted))
        {
            peak = Math.Max(peak, server.ResidentBytes());
            await Task.Delay(100);
        }
        await Task.WhenAll(clients);
        var stormEnd = DateTimeOffset.UtcNow;
        await Task.Delay(2000);

        var missed = await RunsAsync(server.Http, "missed", stormStart, stormEnd);
        var ran = await RunsAsync(server.Http, null, stormStart, stormEnd);
        using var plain = await PostAsync(server.Http, "select 41 + 1 as answer");

        output.WriteLine($"{ran} per-second runs, {missed} missed; answers {string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"))}; RSS {baseline / 1048576} MB before, {peak / 1048576} MB at most");
        Assert.DoesNotContain(statuses, s => s >= 500);
        Assert.Contains(statuses, s => s == 200 || s == 400);
        Assert.True(missed == 0, $"{missed} per-second runs were missed during the storm ({ran} runs in all)");
        Assert.True(ran >= 25, $"only {ran} per-second runs in a 30 s storm");
        Assert.True(peak - baseline < memoryLimit * 3, $"the server grew from {baseline / 1048576} MB to {peak / 1048576} MB");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Contains("42", await plain.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string sql) => http.PostAsJsonAsync("/api/query", new { sql });

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    private static async Task<int> RunsAsync(HttpClient http, string? status, DateTimeOffset from, DateTimeOffset to)
    {
        var query = $"/api/runs?workflow=order-book-every-second&limit=1000&from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}"
            + (status is null ? "" : "&status=" + status);
        return JsonDocument.Parse(await http.GetStringAsync(query)).RootElement.GetArrayLength();
    }
}
