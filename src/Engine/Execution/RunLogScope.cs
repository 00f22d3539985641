using System.Collections;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// The log scope of a run: <c>RunId</c>, <c>WorkflowId</c> and <c>TraceId</c> as structured values (the JSON console
/// formatter writes them as properties) and as readable text for formatters that print a scope's string.
/// </summary>
public sealed class RunLogScope(string runId, string workflowId, string? traceId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RunId", runId),
        1 => new("WorkflowId", workflowId),
        2 => new("TraceId", traceId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RunId:{runId} WorkflowId:{workflowId} TraceId:{traceId}";
}
