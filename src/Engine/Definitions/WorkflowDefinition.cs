using System.Text.Json;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// A workflow definition as written in <c>workflows/*.json</c> (see <c>workflows/workflow.schema.json</c>).
/// Instances come from <see cref="WorkflowDefinitionValidator"/>, so a definition in hand is valid.
/// </summary>
public sealed record WorkflowDefinition
{
    public required string Id { get; init; }

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>Informational; the store numbers versions itself.</summary>
    public int? Version { get; init; }

    /// <summary>None means the workflow runs only when triggered by hand.</summary>
    public TriggerDefinition? Trigger { get; init; }

    /// <summary>The trigger when it is a schedule (cron or interval); null for a manual or asset-triggered workflow.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TriggerDefinition? Schedule => Trigger is { IsSchedule: true } schedule ? schedule : null;

    /// <summary>The assets whose production starts a run; empty unless the trigger is <c>{ "assets": [...] }</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> TriggerAssets => Trigger?.Assets ?? [];

    /// <summary>Run every interval missed while the server was down (Airflow's catch-up).</summary>
    public bool Catchup { get; init; }

    /// <summary>How many runs of this workflow may be running at once.</summary>
    public int MaxActiveRuns { get; init; } = 1;

    /// <summary>Run records older than this many days are deleted; none keeps them forever.</summary>
    public int? RetentionDays { get; init; }

    /// <summary>Notifications on failure, success and deadline miss; none sends nothing.</summary>
    public NotifyDefinition? Notify { get; init; }

    /// <summary>When each interval's run must have succeeded; a miss raises a <c>deadlineMiss</c> notification.</summary>
    public DeadlineDefinition? Deadline { get; init; }

    public Dictionary<string, ParamDefinition> Params { get; init; } = [];

    public List<ActivityNode> Activities { get; init; } = [];

    public List<EdgeDefinition> Edges { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, DefinitionJson.Options);
}
