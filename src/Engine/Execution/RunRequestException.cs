namespace BitsoWorkflows.Engine.Execution;

/// <summary>A run request that cannot be honoured: unknown workflow, bad params, a logical time off the schedule, a retry of a run still going.</summary>
public sealed class RunRequestException(string message, RefusalKind kind = RefusalKind.Invalid) : RunRefusedException(message, kind);
