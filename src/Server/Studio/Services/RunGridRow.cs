using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>One column of the runs grid: a run and the status of the latest attempt of each of its activities.</summary>
public sealed record RunGridRow(
    string Id,
    string WorkflowId,
    int WorkflowVersion,
    TriggerKind TriggerKind,
    DateTimeOffset LogicalTime,
    RunStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Node,
    IReadOnlyDictionary<string, ActivityStatus> Activities,
    string? Notes = null)
{
    /// <summary>A run's notes as one line for a tooltip: each as "who: text", cut at <see cref="MaxNotesLength"/> characters.</summary>
    public static string NotesText(IEnumerable<string> notes)
    {
        var text = string.Join(" | ", notes).ReplaceLineEndings(" ");
        return text.Length <= MaxNotesLength ? text : text[..(MaxNotesLength - 1)] + "…";
    }

    public const int MaxNotesLength = 300;
}
