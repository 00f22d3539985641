using System.Text.RegularExpressions;

namespace BitsoWorkflows.Engine.Definitions.Expressions;

/// <summary>
/// An input string that may hold references in double braces:
/// <c>{{ params.name }}</c>, <c>{{ outputs.activityId.output[.field...] }}</c> or <c>{{ run.field }}</c>
/// (<see cref="RunFields"/>), and in a mapped activity <c>{{ item[.field...] }}</c> and <c>{{ mapIndex }}</c>. A string that is exactly one reference yields the referenced value with its type
/// (an array stays an array); references inside longer text are formatted into the text.
/// </summary>
public sealed partial class TemplateExpression
{
    public const string ParamsRoot = "params";
    public const string OutputsRoot = "outputs";
    public const string RunRoot = "run";

    /// <summary>The item of a mapped activity's instance (<see cref="ActivityNode.Map"/>).</summary>
    public const string ItemRoot = "item";

    /// <summary>The position of a mapped activity's instance in its list, from 0.</summary>
    public const string MapIndexRoot = "mapIndex";

    /// <summary>The fields of <c>run.*</c> and their kinds.</summary>
    public static readonly IReadOnlyDictionary<string, ValueKind> RunFields = new Dictionary<string, ValueKind>(StringComparer.Ordinal)
    {
        ["id"] = ValueKind.String,
        ["workflowId"] = ValueKind.String,
        ["workflowVersion"] = ValueKind.Integer,
        ["triggerKind"] = ValueKind.String,
        ["logicalTime"] = ValueKind.DateTime,
        ["dataIntervalStart"] = ValueKind.DateTime,
        ["dataIntervalEnd"] = ValueKind.DateTime,
    };

    private TemplateExpression(string text, IReadOnlyList<ExpressionReference> references, bool isSingleReference)
    {
        Text = text;
        References = references;
        IsSingleReference = isSingleReference;
    }

    public string Text { get; }

    public IReadOnlyList<ExpressionReference> References { get; }

    /// <summary>The whole string is one reference, so the value keeps its type.</summary>
    public bool IsSingleReference { get; }

    public static bool ContainsReference(string text) => text.Contains("{{", StringComparison.Ordinal);

    /// <summary>Parses the references in <paramref name="text"/>; an unbalanced or malformed brace pair is an error.</summary>
    public static bool TryParse(string text, out TemplateExpression expression, out string? error)
    {
        var references = new List<ExpressionReference>();
        foreach (Match match in ReferencePattern().Matches(text))
        {
            var parts = match.Groups["path"].Value.Split('.');
            references.Add(new ExpressionReference(parts[0], parts[1..], match.Index, match.Length));
        }

        var stripped = ReferencePattern().Replace(text, "");
        if (stripped.Contains("{{", StringComparison.Ordinal) || stripped.Contains("}}", StringComparison.Ordinal))
        {
            expression = new TemplateExpression(text, [], false);
            error = $"malformed expression '{text}': write references as {{{{ params.name }}}}, {{{{ outputs.activity.output }}}} or {{{{ run.logicalTime }}}}";
            return false;
        }

        var single = references.Count == 1 && references[0].Start == 0 && references[0].Length == text.Length;
        expression = new TemplateExpression(text, references, single);
        error = null;
        return true;
    }

    [GeneratedRegex(@"\{\{\s*(?<path>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\s*\}\}")]
    private static partial Regex ReferencePattern();
}

/// <summary>One <c>{{ root.path }}</c> inside an expression; <see cref="Start"/> and <see cref="Length"/> locate it in the text.</summary>
public sealed record ExpressionReference(string Root, IReadOnlyList<string> Path, int Start, int Length)
{
    public override string ToString() => string.Join('.', [Root, .. Path]);
}
