namespace BitsoWorkflows.Engine.Execution;

/// <summary>An operation on a run that its rules refuse (a run still going, an unknown activity, an empty reason).</summary>
public sealed class RunOperationException(string message, RefusalKind kind = RefusalKind.Conflict) : RunRefusedException(message, kind);
