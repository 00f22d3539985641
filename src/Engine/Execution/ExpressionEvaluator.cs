using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.Activities;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Definitions.Expressions;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>Turns an activity's declared inputs into values: literals as written, expressions resolved against the run.</summary>
internal sealed class ExpressionEvaluator(RunInfo run, IReadOnlyDictionary<string, JsonElement> outputs)
{
    /// <summary>Every input of the activity: set by the definition, else its default.</summary>
    public JsonObject EvaluateInputs(ActivityNode node, ActivityDescriptor descriptor)
    {
        var result = new JsonObject();
        foreach (var input in descriptor.Inputs)
        {
            if (node.Inputs.TryGetValue(input.Name, out var value))
                result[input.Name] = Evaluate(value, $"inputs.{input.Name}");
            else if (input.Default is { } fallback)
                result[input.Name] = JsonNode.Parse(fallback.GetRawText());
        }
        return result;
    }

    private JsonNode? Evaluate(JsonElement value, string where)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when TemplateExpression.ContainsReference(value.GetString()!):
                if (!TemplateExpression.TryParse(value.GetString()!, out var expression, out var error))
                    throw new ExpressionException($"{where}: {error}");
                if (expression.IsSingleReference)
                    return Resolve(expression.References[0], where) is { } single ? JsonNode.Parse(single.GetRawText()) : null;
                var text = new StringBuilder();
                var position = 0;
                foreach (var reference in expression.References)
                {
                    text.Append(expression.Text, position, reference.Start - position);
                    text.Append(Format(Resolve(reference, where)));
                    position = reference.Start + reference.Length;
                }
                text.Append(expression.Text, position, expression.Text.Length - position);
                return JsonValue.Create(text.ToString());
            case JsonValueKind.Array:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in value.EnumerateArray())
                    array.Add(Evaluate(item, $"{where}[{i++}]"));
                return array;
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in value.EnumerateObject())
                    obj[property.Name] = Evaluate(property.Value, $"{where}.{property.Name}");
                return obj;
            default:
                return JsonNode.Parse(value.GetRawText());
        }
    }

    private JsonElement? Resolve(ExpressionReference reference, string where)
    {
        JsonElement current;
        IEnumerable<string> rest;
        switch (reference.Root)
        {
            case TemplateExpression.ParamsRoot:
                if (!run.Params.TryGetValue(reference.Path[0], out current))
                    throw new ExpressionException($"{where}: param '{reference.Path[0]}' has no value in this run");
                rest = reference.Path.Skip(1);
                break;
            case TemplateExpression.OutputsRoot:
                if (!outputs.TryGetValue(reference.Path[0], out current))
                    throw new ExpressionException($"{where}: activity '{reference.Path[0]}' has no outputs in this run");
                rest = reference.Path.Skip(1);
                break;
            case TemplateExpression.RunRoot:
                return RunField(reference.Path[0]);
            default:
                throw new ExpressionException($"{where}: unknown reference '{reference}'");
        }

        foreach (var segment in rest)
        {
            if (current.ValueKind != JsonValueKind.Object || !TryGetCaseInsensitive(current, segment, out current))
                throw new ExpressionException($"{where}: '{{{{ {reference} }}}}' has no field '{segment}'");
        }
        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    private JsonElement RunField(string field) => field switch
    {
        "id" => JsonSerializer.SerializeToElement(run.RunId),
        "workflowId" => JsonSerializer.SerializeToElement(run.WorkflowId),
        "workflowVersion" => JsonSerializer.SerializeToElement(run.WorkflowVersion),
        "triggerKind" => JsonSerializer.SerializeToElement(run.TriggerKind, DefinitionJson.Compact),
        "logicalTime" => JsonSerializer.SerializeToElement(run.LogicalTime),
        "dataIntervalStart" => JsonSerializer.SerializeToElement(run.DataInterval.Start),
        "dataIntervalEnd" => JsonSerializer.SerializeToElement(run.DataInterval.End),
        _ => throw new ExpressionException($"unknown run field '{field}'"),
    };

    private static bool TryGetCaseInsensitive(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value)) return true;
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        return false;
    }

    private static string Format(JsonElement? value) => value switch
    {
        null => "",
        { ValueKind: JsonValueKind.String } v => v.GetString()!,
        { } v => v.GetRawText(),
    };
}

/// <summary>An expression could not be evaluated for this run (a missing output field, a param without value).</summary>
public sealed class ExpressionException(string message) : Exception(message);
