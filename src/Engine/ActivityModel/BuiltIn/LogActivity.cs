namespace BitsoWorkflows.Engine.ActivityModel.BuiltIn;

/// <summary>Writes a message to the run's journal (Elsa's WriteLine); handy to mark steps and to try the engine.</summary>
[Activity("Log", Category = "Primitives", Description = "Writes a message to the run's journal and passes it on as its output.")]
public sealed class LogActivity : Activity<LogInput, LogOutput>
{
    public override Task<LogOutput> ExecuteAsync(ActivityContext<LogInput> context, CancellationToken cancellationToken)
    {
        switch (context.Input.Level)
        {
            case "warning": context.Journal.Warning(context.Input.Message); break;
            case "error": context.Journal.Error(context.Input.Message); break;
            default: context.Journal.Info(context.Input.Message); break;
        }
        return Task.FromResult(new LogOutput { Message = context.Input.Message });
    }
}

public sealed class LogInput
{
    [Input(Description = "The text to write; may hold expressions such as {{ run.logicalTime }}.", Required = true)]
    public string Message { get; init; } = "";

    [Input(Description = "info, warning or error.")]
    public string Level { get; init; } = "info";
}

public sealed class LogOutput
{
    [Output(Description = "The message as written.")]
    public string Message { get; init; } = "";
}
