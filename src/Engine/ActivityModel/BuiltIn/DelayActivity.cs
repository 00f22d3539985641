namespace BitsoWorkflows.Engine.ActivityModel.BuiltIn;

/// <summary>Waits, honouring cancellation; time comes from the injected clock.</summary>
[Activity("Delay", Category = "Primitives", Description = "Waits for a duration before downstream activities start.")]
public sealed class DelayActivity(TimeProvider time) : Activity<DelayInput, NoOutput>
{
    public override async Task<NoOutput> ExecuteAsync(ActivityContext<DelayInput> context, CancellationToken cancellationToken)
    {
        await Task.Delay(context.Input.Duration, time, cancellationToken);
        return NoOutput.Instance;
    }
}

public sealed class DelayInput
{
    [Input(Description = "How long to wait (hh:mm:ss[.fff]).", Required = true)]
    public TimeSpan Duration { get; init; }
}
