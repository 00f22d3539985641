using System.Text.Json;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>One activity of a workflow: its id in the graph, its registered type and its inputs.</summary>
public sealed record ActivityNode
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary>Literal values or expressions such as <c>"{{ params.books }}"</c>; see <see cref="Expressions.TemplateExpression"/>.</summary>
    public Dictionary<string, JsonElement> Inputs { get; init; } = [];

    public RetryDefinition? Retry { get; init; }

    /// <summary>Time limit of one attempt (<c>hh:mm:ss[.fff]</c>).</summary>
    public string? Timeout { get; init; }
}
