using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

public sealed class LakeApiTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Query_ReadOnlySelect_AnswersRows()
    {
        using var response = await _server.Http.PostAsJsonAsync("/api/query", new { sql = "select 41 + 1 as answer" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("42", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("create table t (x int)")]
    [InlineData("copy (select 1) to '/tmp/out.csv'")]
    [InlineData("attach '/tmp/other.duckdb'")]
    [InlineData("install httpfs")]
    [InlineData("select * from read_csv('/etc/passwd')")]
    [InlineData("")]
    public async Task Query_WriteOrOutsideTheLake_Is400(string sql)
    {
        using var response = await _server.Http.PostAsJsonAsync("/api/query", new { sql });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Partitions_EmptyLake_IsAnEmptyListAndBadDateIs400()
    {
        var partitions = JsonDocument.Parse(await _server.Http.GetStringAsync("/api/lake/partitions")).RootElement;
        using var bad = await _server.Http.GetAsync("/api/lake/partitions?date=28-11-2026");

        Assert.Equal(0, partitions.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
