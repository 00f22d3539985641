using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Definitions.Expressions;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>Turns an activity's declared inputs into values: literals as written, expressions resolved against the run.</summary>
internal sealed class ExpressionEvaluator(RunInfo run, IReadOnlyDictionary<string, JsonElement> outputs, JsonElement? item = null, int mapIndex = -1)
{
    /// <summary>The evaluator of one instance of a mapped activity.</summary>
    public ExpressionEvaluator ForItem(JsonElement value, int index) => new(run, outputs, value, index);

    /// <summary>The value of one reference (a mapped activity's list), null when it is null.</summary>
    public JsonElement? EvaluateReference(string text, string where)
    {
        if (!TemplateExpression.TryParse(text, out var expression, out var error) || !expression.IsSingleReference)
            throw new ExpressionException($"{where}: {error ?? $"'{text}' must be exactly one reference"}");
        return Resolve(expression.References[0], where);
    }

    /// <summary>Whether an edge's condition holds for this run.</summary>
    public bool EvaluateCondition(BranchCondition condition, string where)
    {
        var left = Resolve(condition.Left, where);
        bool result;
        if (condition.Operator is not { } op)
        {
            result = IsTrue(left);
        }
        else
        {
            var right = condition.RightReference is { } reference ? Resolve(reference, where) : condition.RightLiteral;
            result = op switch
            {
                "==" => AreEqual(left, right),
                "!=" => !AreEqual(left, right),
                _ => Order(left, right, where) switch
                {
                    var c when op == "<" => c < 0,
                    var c when op == "<=" => c <= 0,
                    var c when op == ">" => c > 0,
                    var c => c >= 0,
                },
            };
        }
        return condition.Negated ? !result : result;
    }

    private static bool IsTrue(JsonElement? value) => value switch
    {
        null => false,
        { ValueKind: JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined } => false,
        { ValueKind: JsonValueKind.Number } v => !JsonNumber.Of(v).IsZero,
        { ValueKind: JsonValueKind.String } v => v.GetString()!.Length > 0,
        { ValueKind: JsonValueKind.Array } v => v.GetArrayLength() > 0,
        { ValueKind: JsonValueKind.Object } v => v.EnumerateObject().Any(),
        _ => true,
    };

    private static bool AreEqual(JsonElement? left, JsonElement? right)
    {
        if (left is null || right is null || left.Value.ValueKind == JsonValueKind.Null || right.Value.ValueKind == JsonValueKind.Null)
            return (left?.ValueKind ?? JsonValueKind.Null) == JsonValueKind.Null && (right?.ValueKind ?? JsonValueKind.Null) == JsonValueKind.Null;
        var (l, r) = (left.Value, right.Value);
        if (l.ValueKind == JsonValueKind.Number && r.ValueKind == JsonValueKind.Number) return JsonNumber.Compare(JsonNumber.Of(l), JsonNumber.Of(r)) == 0;
        return JsonElement.DeepEquals(l, r);
    }

    private static int Order(JsonElement? left, JsonElement? right, string where)
    {
        if (left is { ValueKind: JsonValueKind.Number } l && right is { ValueKind: JsonValueKind.Number } r) return JsonNumber.Compare(JsonNumber.Of(l), JsonNumber.Of(r));
        if (left is { ValueKind: JsonValueKind.String } ls && right is { ValueKind: JsonValueKind.String } rs) return string.CompareOrdinal(ls.GetString(), rs.GetString());
        throw new ExpressionException($"{where}: cannot order {Describe(left)} and {Describe(right)}; <, <=, > and >= compare two numbers or two strings");
    }

    private static string Describe(JsonElement? value) => value is { } v ? $"{v.ValueKind.ToString().ToLowerInvariant()} {Clip(v.GetRawText())}" : "null";

    private static string Clip(string text) => text.Length > 40 ? text[..37] + "..." : text;

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
            case TemplateExpression.ItemRoot when item is { } value:
                current = value;
                rest = reference.Path;
                break;
            case TemplateExpression.MapIndexRoot when mapIndex >= 0:
                return JsonSerializer.SerializeToElement(mapIndex);
            default:
                throw new ExpressionException($"{where}: unknown reference '{reference}'");
        }

        foreach (var segment in rest)
            current = Field(current, segment, reference, where);
        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    /// <summary>A field of an object; of a list (a mapped activity's outputs), the list of each item's field.</summary>
    private static JsonElement Field(JsonElement current, string segment, ExpressionReference reference, string where)
    {
        if (current.ValueKind == JsonValueKind.Array)
        {
            var values = new JsonArray();
            foreach (var element in current.EnumerateArray())
                values.Add(JsonNode.Parse(Field(element, segment, reference, where).GetRawText()));
            return JsonSerializer.SerializeToElement(values);
        }
        if (current.ValueKind != JsonValueKind.Object || !TryGetCaseInsensitive(current, segment, out var value))
            throw new ExpressionException($"{where}: '{{{{ {reference} }}}}' has no field '{segment}'");
        return value;
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
