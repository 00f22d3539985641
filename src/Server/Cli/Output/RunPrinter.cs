using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Server.Api.Contracts;

namespace BitsoWorkflows.Server.Cli.Output;

/// <summary>How runs look on the terminal.</summary>
public static class RunPrinter
{
    public static string List(IReadOnlyList<RunDto> runs, OutputFormat format) => format switch
    {
        OutputFormat.Json => JsonSerializer.Serialize(runs, DefinitionJson.Options),
        _ => TableWriter.Render(
            ["run", "workflow", "version", "trigger", "logical time", "status", "duration", "node", "error"],
            runs.Select(r => (IReadOnlyList<object?>)[r.Id, r.WorkflowId, r.WorkflowVersion, Lower(r.TriggerKind), r.LogicalTime, Lower(r.Status), Duration(r.DurationMs), r.Node, Trim(r.Error)])),
    };

    public static string Detail(RunDetailDto detail, OutputFormat format)
    {
        if (format == OutputFormat.Json) return JsonSerializer.Serialize(detail, DefinitionJson.Options);
        var run = detail.Run;
        var text = new System.Text.StringBuilder();
        text.AppendLine($"run            {run.Id}");
        text.AppendLine($"workflow       {run.WorkflowId} (version {run.WorkflowVersion})");
        text.AppendLine($"trigger        {Lower(run.TriggerKind)}{(run.BackfillId is null ? "" : $" (backfill {run.BackfillId})")}");
        text.AppendLine($"logical time   {TableWriter.Format(run.LogicalTime)}Z");
        text.AppendLine($"data interval  [{TableWriter.Format(run.DataIntervalStart)}Z, {TableWriter.Format(run.DataIntervalEnd)}Z)");
        text.AppendLine($"status         {Lower(run.Status)}");
        text.AppendLine($"duration       {Duration(run.DurationMs)}");
        if (run.Node is not null) text.AppendLine($"node           {run.Node}");
        if (run.ParentRunId is not null) text.AppendLine($"parent run     {run.ParentRunId}");
        foreach (var child in detail.Children)
            text.AppendLine($"child run      {child.Id} {child.WorkflowId} {Lower(child.Status)}");
        foreach (var e in detail.TriggeredBy)
            text.AppendLine($"triggered by   {e.Asset} [{TableWriter.Format(e.IntervalStart)}Z, {TableWriter.Format(e.IntervalEnd)}Z) from run {e.RunId} of {e.WorkflowId} ({e.ActivityId})");
        foreach (var e in detail.Produced)
            text.AppendLine($"produced       {e.Asset} by {e.ActivityId}"
                + (e.StartedRuns.Count == 0 ? ", started no run yet" : $", started {string.Join(", ", e.StartedRuns.Select(r => $"run {r.RunId} of {r.WorkflowId}"))}"));
        text.AppendLine($"params         {run.Params.GetRawText()}");
        if (run.Error is not null) text.AppendLine($"error          {run.Error}");
        text.AppendLine();
        text.Append(TableWriter.Render(
            ["activity", "type", "attempt", "status", "duration", "outputs / error"],
            detail.Activities.Select(a => (IReadOnlyList<object?>)[a.ActivityId, a.ActivityType, a.Attempt, Status(a.Status), Duration(a.DurationMs),
                Trim(a.Error is not null ? FirstLine(a.Error) : a.Outputs?.GetRawText(), 80)])));
        var journal = detail.Activities.SelectMany(a => a.Journal.Select(j => (a.ActivityId, j))).ToList();
        if (journal.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("journal");
            foreach (var (activity, line) in journal)
                text.AppendLine($"  {line.At.UtcDateTime:HH:mm:ss.fff} {activity} {line.Level}: {line.Message}");
        }
        return text.ToString();
    }

    private static string Status(Engine.Execution.ActivityStatus status) => status switch
    {
        Engine.Execution.ActivityStatus.UpstreamFailed => "upstream_failed",
        Engine.Execution.ActivityStatus.TimedOut => "timed_out",
        _ => Lower(status),
    };

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static string Duration(double? ms) => ms is { } value ? BitsoWorkflows.Server.Output.ValueText.Duration(TimeSpan.FromMilliseconds(value)) : "";

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');

    private static string? Trim(string? text, int max = 60) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
