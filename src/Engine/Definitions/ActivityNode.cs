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

    /// <summary>When it runs given its upstream states; none means <see cref="Definitions.TriggerRule.AllSuccess"/>.</summary>
    public TriggerRule? TriggerRule { get; init; }

    /// <summary>
    /// A reference to a list (<c>"{{ params.books }}"</c>): one instance runs per item, with <c>{{ item }}</c> and
    /// <c>{{ mapIndex }}</c> in its inputs; downstream sees the list of the instances' outputs. An empty list skips it.
    /// </summary>
    public string? Map { get; init; }

    /// <summary>How many instances of a mapped activity run at once; none means the engine's limit of parallel activities.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>For a sensor activity type: how often it pokes, when it gives up and whether giving up skips instead of failing.</summary>
    public SensorDefinition? Sensor { get; init; }

    /// <summary>A name that draws activities together in the graph (Airflow's task groups).</summary>
    public string? Group { get; init; }

    /// <summary>
    /// Assets this activity produces (<c>lake/spreads</c>): each time it succeeds (not when a retry reuses its output)
    /// an asset event covering the run's data interval is recorded, which may start asset-triggered workflows.
    /// </summary>
    public List<string>? Produces { get; init; }
}
