using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// Reads spread thresholds out of published workflows' <c>thresholds</c> params, for the Markets chart. Accepts
/// <c>{ "btc_mxn": 0.5 }</c>, <c>{ "btc_mxn": { "warning": 0.3, "critical": 0.8 } }</c> and
/// <c>[ { "book": "btc_mxn", "maxSpreadPct": 0.5 } ]</c>: every number found for a book becomes a line.
/// </summary>
public static class SpreadThresholds
{
    public const string ParamName = "thresholds";

    public static IReadOnlyList<ThresholdLine> From(IEnumerable<WorkflowDefinition> definitions)
    {
        var lines = new List<ThresholdLine>();
        foreach (var definition in definitions)
        {
            if (!definition.Params.TryGetValue(ParamName, out var param) || param.Default is not { } value) continue;
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var book in value.EnumerateObject())
                    AddNumbers(lines, definition.Id, book.Name, "", book.Value);
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    if (!item.TryGetProperty("book", out var book) || book.ValueKind != JsonValueKind.String) continue;
                    foreach (var property in item.EnumerateObject().Where(p => p.Name != "book"))
                        AddNumbers(lines, definition.Id, book.GetString()!, property.Name, property.Value);
                }
            }
        }
        return lines;
    }

    private static void AddNumbers(List<ThresholdLine> lines, string workflowId, string book, string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
            lines.Add(new ThresholdLine(book, name.Length == 0 ? "threshold" : name, value.GetDecimal(), workflowId));
        else if (value.ValueKind == JsonValueKind.Object)
            foreach (var property in value.EnumerateObject())
                AddNumbers(lines, workflowId, book, name.Length == 0 ? property.Name : $"{name}.{property.Name}", property.Value);
    }
}
