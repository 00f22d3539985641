using BitsoWorkflows.Activities.MarketData;
using BitsoWorkflows.Server.Studio.Components;
using BitsoWorkflows.Server.Studio.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Markets page's chart rendered to HTML: the spread line over the window and the threshold lines.</summary>
public sealed class SpreadChartTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Render_WithObservationsAndThresholds_DrawsLineAndLabelledThresholds()
    {
        var points = Enumerable.Range(0, 3)
            .Select(i => Observation(From.AddMinutes(i * 5), 0.1m * (i + 1)))
            .ToList();

        var html = await RenderAsync(points, [new ThresholdLine("btc_mxn", "critical", 0.8m, "alerts")]);

        // Three points from the left edge (x = 56) to the right edge (x = 708): M, L, L.
        Assert.Matches(@"<path d=""M 56 [0-9.]+ L 382 [0-9.]+ L 708 [0-9.]+""", html);
        Assert.True(html.Contains("critical 0.8%", StringComparison.Ordinal), html);
        Assert.Contains("stroke-dasharray", html);
        Assert.Contains("10:04:00", html);
    }

    [Fact]
    public async Task Render_WithThresholdsFarAboveTheSpread_ScalesToTheNextThresholdAndListsTheRest()
    {
        var points = Enumerable.Range(0, 3).Select(i => Observation(From.AddMinutes(i * 5), 0.08m)).ToList();

        var html = await RenderAsync(points, [new ThresholdLine("btc_mxn", "threshold", 1.0m, "w"), new ThresholdLine("btc_mxn", "threshold", 0.5m, "w"), new ThresholdLine("btc_mxn", "threshold", 0.1m, "w")]);

        Assert.Contains("threshold 0.1%", html);
        Assert.Contains("higher thresholds: threshold 0.5%, threshold 1.0%", html);
        Assert.Contains(">0.115%<", html);
    }

    [Fact]
    public async Task Render_WithoutObservations_SaysSo()
    {
        var html = await RenderAsync([], []);

        Assert.Contains("no observations in this window", html);
        Assert.DoesNotContain("<path d=\"M", html);
    }

    private static async Task<string> RenderAsync(IReadOnlyList<SpreadObservation> points, IReadOnlyList<ThresholdLine> thresholds)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<SpreadChart>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(SpreadChart.Book)] = "btc_mxn",
                [nameof(SpreadChart.Points)] = points,
                [nameof(SpreadChart.Thresholds)] = thresholds,
                [nameof(SpreadChart.From)] = From,
                [nameof(SpreadChart.To)] = From.AddMinutes(10),
            }));
            return output.ToHtmlString();
        });
    }

    private static SpreadObservation Observation(DateTimeOffset second, decimal spreadPct) => new()
    {
        Second = second,
        Book = "btc_mxn",
        BestBid = 100m,
        BestAsk = 100m + spreadPct,
        SpreadPct = spreadPct,
        Source = "simulated",
        Status = ObservationStatus.Ok,
    };
}
