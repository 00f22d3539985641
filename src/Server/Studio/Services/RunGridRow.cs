using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// One column of the runs grid: the run as the engine's overview gives it, the status of the latest attempt of each of
/// its activities, and its notes as one line for the tooltip.
/// </summary>
public sealed record RunGridRow(RunOverview Overview, IReadOnlyDictionary<string, ActivityStatus> Activities, string? Notes = null)
{
    /// <summary>A run's notes as one line for a tooltip: each as "who: text", cut at <see cref="MaxNotesLength"/> characters.</summary>
    public static string NotesText(IEnumerable<string> notes)
    {
        var text = string.Join(" | ", notes).ReplaceLineEndings(" ");
        return text.Length <= MaxNotesLength ? text : text[..(MaxNotesLength - 1)] + "…";
    }

    public const int MaxNotesLength = 300;
}
