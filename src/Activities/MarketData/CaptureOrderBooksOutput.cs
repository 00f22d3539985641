using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.MarketData;

public sealed class CaptureOrderBooksOutput
{
    [Output(Description = "Observations written for this second (one per book unless a late re-run kept earlier ones).")]
    public int Recorded { get; init; }

    [Output(Description = "Observations with status ok.")]
    public int Ok { get; init; }

    [Output(Description = "Observations with another status (stale, crossed, empty, error).")]
    public int Degraded { get; init; }

    [Output(Description = "Earlier book-seconds no run captured, recorded now as missed.")]
    public int Missed { get; init; }
}
