using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>What the editor's settings form edits of one activity; empty text means "not set" (the default).</summary>
public sealed class ActivitySettings
{
    public TriggerRule TriggerRule { get; set; } = TriggerRule.AllSuccess;

    public string? Map { get; set; }

    public int? MaxParallel { get; set; }

    public string? Group { get; set; }

    public string? PokeInterval { get; set; }

    public string? SensorTimeout { get; set; }

    public bool SoftFail { get; set; }

    /// <summary>The <c>when</c> of each incoming edge, by the activity it comes from (null: always taken).</summary>
    public Dictionary<string, string?> When { get; set; } = new(StringComparer.Ordinal);
}
