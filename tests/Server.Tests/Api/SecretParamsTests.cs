using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>A param marked secret never shows (API, store, journals), while a retry still gets its value; the data dir is owner-only.</summary>
public sealed class SecretParamsTests : IAsyncLifetime
{
    private const string Secret = "https://hooks.example/T0/SECRET-abc123";

    private const string Alerting = """
        {
          "id": "alerting",
          "params": {
            "webhookUrl": { "type": "string", "default": "", "secret": true },
            "who": { "type": "string", "default": "desk" }
          },
          "activities": [
            { "id": "say", "type": "Log", "inputs": { "message": "posting to {{ params.webhookUrl }} for {{ params.who }}" } },
            { "id": "fail", "type": "Fault", "inputs": { "message": "could not reach {{ params.webhookUrl }}" } }
          ],
          "edges": [ { "from": "say", "to": "fail" } ]
        }
        """;

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        new Dictionary<string, string> { ["alerting.json"] = Alerting },
        configuration: ["--Engine:ParamDefaults:alerting:who=host-default"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Run_WithASecretParam_ShowsItMaskedEverywhereAndKeepsItEncrypted()
    {
        using var started = await _server.Http.PostAsJsonAsync("/api/workflows/alerting/runs", new { @params = new { webhookUrl = Secret } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await WaitEndedAsync(id);

        var list = await _server.Http.GetStringAsync("/api/runs");
        var detail = await _server.Http.GetStringAsync($"/api/runs/{id}");
        var stored = await _server.Get<RunStore>().GetAsync(id, CancellationToken.None);
        var attempts = await _server.Get<RunStore>().GetActivitiesAsync(id, CancellationToken.None);

        Assert.DoesNotContain("SECRET", list);
        Assert.DoesNotContain("SECRET", detail);
        Assert.Contains("\"webhookUrl\":\"***\"", detail.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("host-default", detail);
        Assert.DoesNotContain("SECRET", stored!.ParamsJson + stored.Error);
        Assert.DoesNotContain("SECRET", stored.ProtectedParams);
        Assert.All(attempts, a => Assert.DoesNotContain("SECRET", a.InputsJson + a.OutputsJson + a.Error + a.JournalJson));
        Assert.Contains(attempts, a => a.JournalJson?.Contains("posting to ***", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Retry_OfARunWithASecretParam_GetsTheRealValue()
    {
        using var started = await _server.Http.PostAsJsonAsync("/api/workflows/alerting/runs", new { @params = new { webhookUrl = Secret } });
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await WaitEndedAsync(id);

        using var retried = await _server.Http.PostAsync($"/api/runs/{id}/retry", null);
        var retryId = JsonDocument.Parse(await retried.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var retry = await _server.Get<RunStore>().GetAsync(retryId, CancellationToken.None);
        var values = SecretParams.Reveal(retry!.ParamsJson, retry.ProtectedParams, _server.Get<IParamProtector>());

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(Secret, values["webhookUrl"].GetString());
        Assert.DoesNotContain("SECRET", retry.ParamsJson);
    }

    [Fact]
    public void DataDir_IsOwnerOnly_AndItsDatabasesAndKeyFilesAre0600()
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode ownerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _ = _server.Get<Activities.MarketData.Storage.MarketDatabase>(); // opened on first use

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_server.DataDir));
        Assert.Equal(ownerFile, File.GetUnixFileMode(Path.Combine(_server.DataDir, "workflows.db")));
        Assert.Equal(ownerFile, File.GetUnixFileMode(Path.Combine(_server.DataDir, "market-data", "market.db")));
        var keys = Directory.GetFiles(Path.Combine(_server.DataDir, "auth", "keys"), "*.xml");
        Assert.NotEmpty(keys);
        foreach (var key in keys) Assert.Equal(ownerFile, File.GetUnixFileMode(key));
    }

    private async Task WaitEndedAsync(string id)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var run = await _server.Get<RunStore>().GetAsync(id, CancellationToken.None);
            if (run is not null && run.Status.IsFinal()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"run {id} did not end");
    }
}
