using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>A started run: its record as created and a task that completes with its final record.</summary>
public sealed record RunHandle(RunRecord Run, Task<RunRecord> Completion);
