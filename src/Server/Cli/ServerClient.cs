using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Hosting;

namespace BitsoWorkflows.Server.Cli;

/// <summary>Talks to the server that holds the data dir, for verbs that hand their work to it.</summary>
public sealed class ServerClient(HttpClient http) : IDisposable
{
    /// <summary>A client for the live server of the data dir, or null when none answers its health check.</summary>
    public static async Task<ServerClient?> ConnectAsync(DataDirectory data, CancellationToken cancellationToken)
    {
        if (ServerLockFile.ReadLive(data) is not { } lockFile) return null;
        var http = new HttpClient { BaseAddress = new Uri(lockFile.Url.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), Timeout = TimeSpan.FromSeconds(30) };
        // The server writes a local key into the data dir for its own CLI; whoever can read the data dir is trusted.
        Auth.LocalCliKey.Attach(http, data);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var health = await http.GetAsync("/health", timeout.Token);
            if (health.IsSuccessStatusCode) return new ServerClient(http);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // A stale lock: nobody answers, so the CLI does the work itself.
        }
        http.Dispose();
        return null;
    }

    public Uri BaseAddress => http.BaseAddress!;

    public async Task<RunDto> TriggerAsync(string workflowId, Dictionary<string, JsonElement> parameters, DateTimeOffset? logicalTime, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"/api/workflows/{Uri.EscapeDataString(workflowId)}/runs", new TriggerRunRequest(parameters, logicalTime), DefinitionJson.Options, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<RunDto>(DefinitionJson.Options, cancellationToken))!;
    }

    public async Task<RunDto> ClearAsync(string runId, string activity, bool downstream, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"/api/runs/{Uri.EscapeDataString(runId)}/clear", new RunClearRequest(activity, downstream), DefinitionJson.Options, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<RunDto>(DefinitionJson.Options, cancellationToken))!;
    }

    public async Task<RunDetailDto> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/runs/{Uri.EscapeDataString(runId)}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<RunDetailDto>(DefinitionJson.Options, cancellationToken))!;
    }

    public async Task<BackfillDto> CreateBackfillAsync(CreateBackfillRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/backfills", request, DefinitionJson.Options, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<BackfillDto>(DefinitionJson.Options, cancellationToken))!;
    }

    public async Task<BackfillDto> GetBackfillAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/backfills/{Uri.EscapeDataString(id)}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<BackfillDto>(DefinitionJson.Options, cancellationToken))!;
    }

    public async Task CancelBackfillAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"/api/backfills/{Uri.EscapeDataString(id)}/cancel", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>The answer to a question, formatted by the server (json or table).</summary>
    public async Task<string> AnswerAsync(string name, IReadOnlyDictionary<string, string?> parameters, string format, CancellationToken cancellationToken)
    {
        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value ?? "true")}").Append($"format={format}"));
        using var response = await http.GetAsync($"/api/answers/{Uri.EscapeDataString(name)}?{query}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.EndsWith('\n') ? text : text + Environment.NewLine;
    }

    /// <summary>Polls a run until it is final.</summary>
    public async Task<RunDetailDto> WaitForRunAsync(string runId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var detail = await GetRunAsync(runId, cancellationToken);
            if (detail.Run.Status.IsFinal()) return detail;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Turns a problem-details answer into the CLI's error: 4xx are usage errors (exit 2), others failures (exit 1).</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(detail);
            if (problem.RootElement.TryGetProperty("detail", out var d)) detail = d.GetString() ?? detail;
        }
        catch (JsonException)
        {
            // Not problem details; show the body as it is.
        }
        var message = $"the server answered {(int)response.StatusCode}: {detail}";
        if ((int)response.StatusCode is >= 400 and < 500) throw new CliUsageException(message);
        throw new CliFailureException(message);
    }

    public void Dispose() => http.Dispose();
}
