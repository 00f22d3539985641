using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>Starting a run through the API and waiting for its end, as a client of a real server does.</summary>
public static class RunsClient
{
    /// <summary>Starts a run (asserting the API took it) and returns its id.</summary>
    public static async Task<string> StartRunAsync(this HttpClient http, string workflow, string logicalTime, object? parameters = null)
    {
        using var response = await http.PostAsJsonAsync($"/api/workflows/{workflow}/runs", new { logicalTime, @params = parameters });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"starting {workflow} at {logicalTime}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Polls the run until it is neither queued nor running; its status and error ("" when none).</summary>
    public static async Task<(string Status, string Error)> WaitForRunAsync(this HttpClient http, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = JsonDocument.Parse(await http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("run");
            var status = run.GetProperty("status").GetString()!;
            if (status is not ("queued" or "running"))
                return (status, run.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {id} still {status} after {timeout}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every run of the workflow (logical time and status), a page of 1000 at a time (the API's largest).</summary>
    public static async Task<List<(DateTimeOffset Time, string Status)>> AllRunsAsync(this HttpClient http, string workflow)
    {
        var runs = new List<(DateTimeOffset, string)>();
        string? before = null;
        while (true)
        {
            var page = JsonDocument.Parse(await http.GetStringAsync($"/api/runs?workflow={workflow}&limit=1000" + (before is null ? "" : $"&before={before}")))
                .RootElement.EnumerateArray().ToList();
            runs.AddRange(page.Select(r => (DateTimeOffset.Parse(r.GetProperty("logicalTime").GetString()!, CultureInfo.InvariantCulture), r.GetProperty("status").GetString()!)));
            if (page.Count < 1000) return runs;
            before = page[^1].GetProperty("id").GetString();
        }
    }
}
