using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>Merges a definition's param defaults with a run's overrides, checking names and types.</summary>
public static class ParamBinder
{
    /// <summary>
    /// Binds overrides given as text (<c>--param name=value</c>): strings, dates and durations are taken as written;
    /// other types are parsed as JSON, and an array also accepts comma-separated words (<c>btc_mxn,usd_mxn</c>).
    /// Returns only the given overrides that bind, typed (no defaults).
    /// </summary>
    public static Dictionary<string, JsonElement> BindText(WorkflowDefinition definition, IReadOnlyDictionary<string, string> overrides, out List<string> errors)
    {
        var json = new Dictionary<string, JsonElement>();
        errors = [];
        foreach (var (name, text) in overrides)
        {
            if (!definition.Params.TryGetValue(name, out var param))
            {
                errors.Add($"unknown param '{name}' (params of {definition.Id}: {string.Join(", ", definition.Params.Keys)})");
                continue;
            }
            // A published definition's param types were validated; an unknown one binds as any JSON value.
            var kind = ValueKinds.TryParse(param.Type, out var parsed) ? parsed : ValueKind.Any;
            json[name] = kind switch
            {
                ValueKind.String or ValueKind.DateTime or ValueKind.Duration => JsonSerializer.SerializeToElement(text),
                _ => ParseJsonOrList(text, kind),
            };
        }
        var bound = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        AddOverrides(definition, json, bound, errors);
        return bound;
    }

    /// <summary>Defaults overridden by <paramref name="overrides"/>; every error names the param and what is wrong.</summary>
    public static Dictionary<string, JsonElement> Bind(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonElement>? overrides, out List<string> errors)
    {
        errors = [];
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, param) in definition.Params)
            if (param.Default is { } value) result[name] = value.Clone();
        AddOverrides(definition, overrides, result, errors);
        return result;
    }

    /// <summary>Sets each override that names a param and has its type into <paramref name="result"/>; the others become errors.</summary>
    private static void AddOverrides(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonElement>? overrides, Dictionary<string, JsonElement> result, List<string> errors)
    {
        foreach (var (name, value) in overrides ?? new Dictionary<string, JsonElement>())
        {
            if (!definition.Params.TryGetValue(name, out var param))
            {
                errors.Add($"unknown param '{name}' (params of {definition.Id}: {string.Join(", ", definition.Params.Keys)})");
                continue;
            }
            if (ValueKinds.TryParse(param.Type, out var kind) && value.ValueKind != JsonValueKind.Null && !ValueKinds.Matches(value, kind))
            {
                errors.Add($"param '{name}' expects {param.Type}, got {value.GetRawText()}");
                continue;
            }
            result[name] = value.Clone();
        }
    }

    private static JsonElement ParseJsonOrList(string text, ValueKind kind)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException) when (kind == ValueKind.Array)
        {
            return JsonSerializer.SerializeToElement(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        catch (JsonException)
        {
            // Let the type check report it, naming the expected type.
            return JsonSerializer.SerializeToElement(text);
        }
    }
}
