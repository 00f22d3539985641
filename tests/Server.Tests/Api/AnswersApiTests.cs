using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary><c>serve --demo</c> with the shipped daily workflow: generated snapshots loaded, then the questions answered over HTTP.</summary>
public sealed class AnswersApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private string _day = "";

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string> { ["master-data-daily.json"] = RepoFiles.Workflow("master-data-daily") }, demo: true);
        var yesterday = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1);
        _day = yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var started = await _server.Http.PostAsJsonAsync("/api/workflows/master-data-daily/runs", new { logicalTime = $"{_day}T00:00:00Z" });
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        for (var i = 0; i < 600; i++)
        {
            var run = JsonDocument.Parse(await _server.Http.GetStringAsync($"/api/runs/{id}")).RootElement.GetProperty("run");
            var status = run.GetProperty("status").GetString();
            if (status == "succeeded") return;
            if (status is not ("queued" or "running")) throw new InvalidOperationException($"the load ended {status}: {run.GetProperty("error")}");
            await Task.Delay(100);
        }
        throw new TimeoutException("the demo load did not finish in 60 s");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Answer_ActiveUsers_CountsTheDayAsTheWarehouseSees()
    {
        var answer = JsonDocument.Parse(await _server.Http.GetStringAsync($"/api/answers/active-users?date={_day}")).RootElement;
        using var check = await _server.Http.PostAsJsonAsync("/api/query", new
        {
            sql = $"select count(distinct user_id) as n from fct_transaction where status = 'complete' and date_key = date '{_day}'",
        });
        var direct = JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("active-users", answer.GetProperty("question").GetString());
        var count = answer.GetProperty("rows")[0].GetProperty("active_users").GetInt64();
        Assert.True(count > 0);
        Assert.Equal(count, direct[0].GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Questions_AndTables_AreListed()
    {
        var questions = JsonDocument.Parse(await _server.Http.GetStringAsync("/api/answers")).RootElement;
        var tables = JsonDocument.Parse(await _server.Http.GetStringAsync("/api/warehouse/tables")).RootElement;

        Assert.Equal(8, questions.GetArrayLength());
        Assert.Contains(tables.EnumerateArray(), t => t.GetProperty("name").GetString() == "fct_transaction" && t.GetProperty("rows").GetInt64() > 0);
    }

    [Theory]
    [InlineData("/api/answers/active-users", HttpStatusCode.BadRequest)]
    [InlineData("/api/answers/active-users?date=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/api/answers/login-count?user=u&from=2026-11-05&to=2026-11-01", HttpStatusCode.BadRequest)]
    [InlineData("/api/answers/most-loved-coin?date=2026-11-01", HttpStatusCode.NotFound)]
    [InlineData("/api/warehouse/rejects?limit=0", HttpStatusCode.BadRequest)]
    public async Task BadInput_IsAProblemNamingIt(string url, HttpStatusCode expected)
    {
        using var response = await _server.Http.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()));
    }
}
