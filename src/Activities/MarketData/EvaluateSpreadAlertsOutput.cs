using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MarketData;

public sealed class EvaluateSpreadAlertsOutput
{
    [Output(Description = "Alerts opened by this evaluation.")]
    public int Opened { get; init; }

    [Output(Description = "Alerts resolved by this evaluation.")]
    public int Resolved { get; init; }

    [Output(Description = "Alerts open after this evaluation (all books).")]
    public int Open { get; init; }

    [Output(Description = "Webhook deliveries that failed after their retries (new events and redeliveries).")]
    public int DeliveryFailures { get; init; }

    [Output(Description = "Earlier events whose webhook delivery had failed and succeeded this time.")]
    public int Redelivered { get; init; }
}
