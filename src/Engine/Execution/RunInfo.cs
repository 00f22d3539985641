using System.Text.Json;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>The identity and time frame of one workflow run, as activities see it.</summary>
public sealed record RunInfo(
    string RunId,
    string WorkflowId,
    int WorkflowVersion,
    TriggerKind TriggerKind,
    DateTimeOffset LogicalTime,
    DataInterval DataInterval,
    IReadOnlyDictionary<string, JsonElement> Params);
