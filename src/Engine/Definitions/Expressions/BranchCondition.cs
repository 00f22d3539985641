using System.Text.Json;
using System.Text.RegularExpressions;

namespace BitsoWorkflows.Engine.Definitions.Expressions;

/// <summary>
/// An edge's <c>when</c>: a reference (<see cref="TemplateExpression"/>) that is tested for truth, negated with a
/// leading <c>not</c>, or compared with a literal or another reference:
/// <c>{{ outputs.check.complete }}</c>, <c>not {{ outputs.check.complete }}</c>, <c>{{ outputs.check.missing }} &gt; 0</c>,
/// <c>{{ params.mode }} == "full"</c>. False, null, 0, "" and empty lists and objects are false; the rest is true.
/// </summary>
public sealed partial class BranchCondition
{
    /// <summary>The comparison operators, an allow-list.</summary>
    public static readonly IReadOnlyList<string> Operators = ["==", "!=", "<=", ">=", "<", ">"];

    private BranchCondition(bool negated, ExpressionReference left, string? op, ExpressionReference? rightReference, JsonElement? rightLiteral)
    {
        Negated = negated;
        Left = left;
        Operator = op;
        RightReference = rightReference;
        RightLiteral = rightLiteral;
    }

    public bool Negated { get; }

    public ExpressionReference Left { get; }

    /// <summary>One of <see cref="Operators"/>, or null when <see cref="Left"/> is tested for truth.</summary>
    public string? Operator { get; }

    public ExpressionReference? RightReference { get; }

    public JsonElement? RightLiteral { get; }

    public IEnumerable<ExpressionReference> References => RightReference is { } right ? [Left, right] : [Left];

    public static bool TryParse(string text, out BranchCondition? condition, out string? error)
    {
        condition = null;
        var usage = $"condition '{text}' must be '{{{{ reference }}}}', 'not {{{{ reference }}}}' or '{{{{ reference }}}} <op> <literal or reference>' with <op> one of {string.Join(" ", Operators)}";
        var match = Shape().Match(text);
        if (!match.Success)
        {
            error = usage;
            return false;
        }
        if (!TryReference(match.Groups["left"].Value, out var left))
        {
            error = usage;
            return false;
        }
        var negated = match.Groups["not"].Success;
        if (!match.Groups["op"].Success)
        {
            condition = new BranchCondition(negated, left!, null, null, null);
            error = null;
            return true;
        }

        var op = match.Groups["op"].Value;
        var right = match.Groups["right"].Value.Trim();
        if (TemplateExpression.ContainsReference(right))
        {
            if (!TryReference(right, out var reference))
            {
                error = $"the right side of '{text}' must be one reference or a JSON literal";
                return false;
            }
            condition = new BranchCondition(negated, left!, op, reference, null);
            error = null;
            return true;
        }
        try
        {
            using var literal = JsonDocument.Parse(right);
            if (literal.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                error = $"the right side of '{text}' must be a number, a \"string\", true, false or null";
                return false;
            }
            condition = new BranchCondition(negated, left!, op, null, literal.RootElement.Clone());
            error = null;
            return true;
        }
        catch (JsonException)
        {
            error = $"the right side of '{text}' is neither a reference nor a JSON literal (write strings in double quotes)";
            return false;
        }
    }

    private static bool TryReference(string text, out ExpressionReference? reference)
    {
        reference = null;
        if (!TemplateExpression.TryParse(text, out var expression, out _) || !expression.IsSingleReference) return false;
        reference = expression.References[0];
        return true;
    }

    [GeneratedRegex(@"^\s*(?<not>not\s+)?(?<left>\{\{[^}]*\}\})\s*(?:(?<op>==|!=|<=|>=|<|>)(?<right>.+))?$")]
    private static partial Regex Shape();
}
