using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

public sealed class InspectLakeDayInput
{
    [Input(Description = "The book, e.g. btc_mxn.", Required = true)]
    public string Book { get; init; } = "";

    [Input(Description = "Any instant of the day (UTC) to inspect; by default the day the run's data interval starts.")]
    public DateTimeOffset? Date { get; init; }
}
