namespace BitsoWorkflows.Engine.ActivityModel.BuiltIn;

/// <summary>Fails the activity on purpose with a message (Elsa's Fault): a guard in a workflow, or a way to try retries and alerts on failure.</summary>
[Activity("Fault", Category = "Primitives", Description = "Fails with the given message.")]
public sealed class FaultActivity : Activity<FaultInput, NoOutput>
{
    public override Task<NoOutput> ExecuteAsync(ActivityContext<FaultInput> context, CancellationToken cancellationToken) =>
        throw new WorkflowFaultException(context.Input.Message);
}

public sealed class FaultInput
{
    [Input(Description = "Why the run fails.", Required = true)]
    public string Message { get; init; } = "";
}

/// <summary>Raised by the Fault activity.</summary>
public sealed class WorkflowFaultException(string message) : Exception(message);
