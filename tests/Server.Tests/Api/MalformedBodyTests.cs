using System.Net;
using System.Text;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>A body that is not the JSON an endpoint expects is a 400 problem, never a 500.</summary>
public sealed class MalformedBodyTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string> { ["hello.json"] = SampleWorkflows.Hello });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/api/workflows/hello/runs", "{ not json")]
    [InlineData("/api/workflows/hello/runs", """{ "logicalTime": "tomorrow" }""")]
    [InlineData("/api/backfills", "[1, 2]")]
    [InlineData("/api/backfills", """{ "workflowId": "hello", "from": 5 }""")]
    [InlineData("/api/query", """{ "sql": 42 }""")]
    [InlineData("/api/workflows/hello/versions", "{ not json")]
    public async Task Post_WithMalformedBody_Is400Problem(string url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _server.Http.PostAsync(url, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
