using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// Reads spread thresholds out of published workflows' <c>thresholds</c> params, for the Markets chart. Accepts
/// <c>{ "btc_mxn": 0.5 }</c>, <c>{ "btc_mxn": { "warning": 0.3, "critical": 0.8 } }</c> and
/// <c>[ { "book": "btc_mxn", "maxSpreadPct": 0.5 } ]</c>: every number found for a book becomes a line. The shipped
/// order-book workflow's shape, <c>[1.0, 0.5, 0.1]</c> for every book of the <c>books</c> param with per-book
/// <c>rules</c> (<c>[{ "book": "usd_mxn", "thresholds": [0.3] }]</c>) replacing them, is read as the alerts read it.
/// </summary>
public static class SpreadThresholds
{
    public const string ParamName = "thresholds";

    public const string BooksParamName = "books";

    public const string RulesParamName = "rules";

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
            else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(i => i.ValueKind == JsonValueKind.Number))
                AddForEveryBook(lines, definition, value);
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

    /// <summary>Thresholds for every book of the <c>books</c> param, unless a <c>rules</c> entry gives that book its own.</summary>
    private static void AddForEveryBook(List<ThresholdLine> lines, WorkflowDefinition definition, JsonElement thresholds)
    {
        var overrides = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (definition.Params.TryGetValue(RulesParamName, out var rules) && rules.Default is { ValueKind: JsonValueKind.Array } ruleList)
        {
            foreach (var rule in ruleList.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
            {
                if (rule.TryGetProperty("book", out var book) && book.ValueKind == JsonValueKind.String
                    && rule.TryGetProperty("thresholds", out var own) && own.ValueKind == JsonValueKind.Array)
                    overrides[book.GetString()!] = own;
            }
        }
        if (!definition.Params.TryGetValue(BooksParamName, out var books) || books.Default is not { ValueKind: JsonValueKind.Array } bookList) return;
        foreach (var book in bookList.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.String).Select(b => b.GetString()!))
        {
            foreach (var threshold in (overrides.TryGetValue(book, out var own) ? own : thresholds).EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Number))
                lines.Add(new ThresholdLine(book, "threshold", threshold.GetDecimal(), definition.Id));
        }
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
