using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

public sealed class SummariseLakeDaysInput
{
    [Input(Description = "InspectLakeDay outputs, e.g. {{ outputs.inspect }} of a mapped inspection.", Required = true)]
    public InspectLakeDayOutput[] Days { get; init; } = [];
}
