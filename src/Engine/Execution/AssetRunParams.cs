using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// The param an asset-triggered run carries: for each asset of its trigger, the events that started it — the interval
/// each one covers and the run that produced it — as <c>{{ params.triggeringAssets }}</c>.
/// </summary>
public static class AssetRunParams
{
    /// <summary>The param's name, reserved in every definition.</summary>
    public const string Name = "triggeringAssets";

    /// <summary>The param of a run started by hand: no events.</summary>
    public static readonly JsonElement None = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary><c>{ "lake/spreads": [ { "start", "end", "workflowId", "runId", "activityId", "eventId" } ] }</c>, oldest event first.</summary>
    public static JsonElement From(IEnumerable<AssetEventRecord> events) => JsonSerializer.SerializeToElement(
        events.GroupBy(e => e.Asset).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.OrderBy(e => e.Id).Select(e => new Dictionary<string, object>
            {
                ["start"] = new DateTimeOffset(e.IntervalStart, TimeSpan.Zero),
                ["end"] = new DateTimeOffset(e.IntervalEnd, TimeSpan.Zero),
                ["workflowId"] = e.WorkflowId,
                ["runId"] = e.RunId,
                ["activityId"] = e.ActivityId,
                ["eventId"] = e.Id,
            }).ToList()),
        DefinitionJson.Compact);

    /// <summary>The data interval an asset-triggered run covers: from the earliest start to the latest end of its events.</summary>
    public static DataInterval Covered(IReadOnlyCollection<AssetEventRecord> events) => new(
        new DateTimeOffset(events.Min(e => e.IntervalStart), TimeSpan.Zero),
        new DateTimeOffset(events.Max(e => e.IntervalEnd), TimeSpan.Zero));
}
