using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MarketData;

public sealed class CaptureOrderBooksInput
{
    [Input(Description = "Books to capture, e.g. btc_mxn.", Required = true)]
    public string[] Books { get; init; } = [];

    [Input(Description = "websocket (default; REST fallback within the rate budget), rest, or simulated (no network).")]
    public string Source { get; init; } = "websocket";
}
