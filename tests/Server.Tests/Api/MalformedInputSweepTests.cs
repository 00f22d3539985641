using System.Net;
using System.Text;
using BitsoWorkflows.Server.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace BitsoWorkflows.Server.Tests.Api;

/// <summary>
/// Every <c>/api</c> route the server maps (read from its endpoint table, so new routes are covered without opting in)
/// with hostile route and query values, wrong content types, truncated and huge bodies: never a 5xx.
/// </summary>
public sealed class MalformedInputSweepTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string> { ["hello.json"] = SampleWorkflows.Hello });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryRoute_WithHostileRouteAndQueryValues_AnswersNo5xx()
    {
        var failures = new List<string>();
        var routes = ApiRoutes(_server).ToList();
        Assert.Contains(routes, r => r.Pattern == "/api/workflows/{id}/versions/{version:int}/revert");
        Assert.Contains(routes, r => r.Pattern == "/api/lake/partitions");
        foreach (var route in routes)
        {
            foreach (var value in HostileValues())
            {
                var url = route.Url(_ => value, query: value);
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
                using var response = await _server.Http.SendAsync(request);
                if ((int)response.StatusCode >= 500) failures.Add($"{route.Method} {url} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryUnsafeRoute_WithHostileBodies_AnswersNo5xxAndRefusesWhatItCannotRead()
    {
        var bodies = new (string ContentType, string Body)[]
        {
            ("text/plain", "{\"id\":\"hello\"}"),
            ("application/x-www-form-urlencoded", "a=b"),
            ("application/xml", "<a/>"),
            ("application/json", "{\"params\":{\"who\":"),
            ("application/json", "{"),
            ("application/json", "null"),
            ("application/json", "[]"),
            ("application/json", "\"x\""),
            ("application/json", "{\"from\":\"2026-13-45\",\"to\":5,\"maxParallel\":\"x\",\"workflowId\":[]}"),
            ("application/json", new string('[', 5000) + new string(']', 5000)),
            ("application/json", "\uFEFF{}"),
            // Valid JSON whose numbers fit no .NET number: the definition validator's schema library threw on them.
            ("application/json", "{\"id\":\"hello\",\"maxActiveRuns\":1e400,\"activities\":[{\"id\":\"a\",\"type\":\"Log\",\"inputs\":{\"message\":1e400}}],\"edges\":[],\"params\":{\"who\":1e400},\"maxParallel\":-1e400,\"sql\":1e400}"),
        };
        var failures = new List<string>();
        foreach (var route in ApiRoutes(_server).Where(r => r.Method is "POST" or "PUT" or "DELETE" or "PATCH"))
        {
            var url = route.Url(WellFormedValue, query: null);
            foreach (var (contentType, body) in bodies)
            {
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                using var response = await _server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), url) { Content = content });
                if ((int)response.StatusCode >= 500) failures.Add($"{route.Method} {url} {contentType} {Shorten(body)} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryUnsafeRoute_WithABodyOverTheLimit_Answers413Problem()
    {
        var huge = new string(' ', 2 * 1024 * 1024);
        foreach (var route in ApiRoutes(_server).Where(r => r.Method == "POST"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, route.Url(WellFormedValue, query: null))
            {
                Content = new StringContent("{\"x\":\"" + huge + "\"}", Encoding.UTF8, "application/json"),
            };
            // The server answers before reading the body; without 100-continue the client may still be sending and see a broken pipe.
            request.Headers.ExpectContinue = true;

            using var response = await _server.Http.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{route.Pattern}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Post_WithAChunkedBodyOverTheLimit_Answers413()
    {
        using var content = new ChunkedContent(Encoding.UTF8.GetBytes("{\"comment\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"));

        using var response = await _server.Http.PostAsync("/api/workflows/hello/versions", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task LakePartitions_WithABookThatClimbsOutOfTheLake_Answers400()
    {
        using var response = await _server.Http.GetAsync("/api/lake/partitions?book=../x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    internal static IEnumerable<ApiRoute> ApiRoutes(TestServer server) => ApiRoutes(server.App.Services);

    internal static IEnumerable<ApiRoute> ApiRoutes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true && !e.RoutePattern.RawText.StartsWith("/api/reference", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new ApiRoute(m, e)))
            .ToList();

    internal static string WellFormedValue(RoutePatternParameterPart part) => part.Name switch
    {
        "version" => "1",
        "id" => "hello",
        "book" => "btc_mxn",
        _ => "x",
    };

    private static IEnumerable<string> HostileValues()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Api", "Data", "hostile-values.txt");
        foreach (var line in File.ReadLines(path).Where(l => !l.StartsWith('#')))
            yield return line == "<empty>" ? "" : line.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\0", "\0", StringComparison.Ordinal);
        yield return new string('a', 5000);
    }

    private static string Shorten(string body) => body.Length > 40 ? body[..40] + "…" : body;

    /// <summary>One route and method with the names of its route and query parameters.</summary>
    internal sealed record ApiRoute(string Method, RouteEndpoint Endpoint)
    {
        public string Pattern => Endpoint.RoutePattern.RawText!;

        /// <summary>The route with each parameter filled in, and every simple query parameter set to <paramref name="query"/>.</summary>
        public string Url(Func<RoutePatternParameterPart, string> routeValue, string? query)
        {
            var path = new StringBuilder();
            foreach (var segment in Endpoint.RoutePattern.PathSegments)
            {
                path.Append('/');
                foreach (var part in segment.Parts)
                {
                    path.Append(part switch
                    {
                        RoutePatternLiteralPart literal => literal.Content,
                        RoutePatternParameterPart parameter => Uri.EscapeDataString(routeValue(parameter)),
                        RoutePatternSeparatorPart separator => separator.Content,
                        _ => "",
                    });
                }
            }
            if (query is null) return path.ToString();
            var names = Endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>()
                .Where(p => Endpoint.RoutePattern.GetParameter(p.Name) is null && IsSimple(p.ParameterInfo.ParameterType))
                .Select(p => p.Name)
                .Append("format").Append("since").Append("user").Distinct();
            return path + "?" + string.Join("&", names.Select(n => $"{n}={Uri.EscapeDataString(query)}"));
        }

        private static bool IsSimple(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(decimal) || t == typeof(Guid) || t == typeof(TimeSpan);
        }
    }

    /// <summary>Content without a length, so the server only learns its size by reading it.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
