using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;

namespace BitsoWorkflows.Server.Services;

/// <summary>
/// Every asset the published workflows produce or are triggered by, or that has events: who produces it, who waits
/// for it, and its latest event. An asset someone waits for that nothing produces is listed too — that is the mistake
/// worth seeing.
/// </summary>
public sealed class AssetOverview(WorkflowCatalog catalog, AssetStore assets)
{
    public async Task<IReadOnlyList<AssetSummaryDto>> ListAsync(CancellationToken cancellationToken)
    {
        var published = await catalog.ListPublishedAsync(cancellationToken);
        var producers = published
            .SelectMany(w => w.Definition.Activities.SelectMany(a => (a.Produces ?? []).Select(asset => (asset, Producer: new AssetProducerDto(w.Definition.Id, a.Id)))))
            .ToLookup(p => p.asset, p => p.Producer, StringComparer.Ordinal);
        var consumers = published
            .SelectMany(w => w.Definition.TriggerAssets.Select(asset => (asset, w.Definition.Id)))
            .ToLookup(c => c.asset, c => c.Id, StringComparer.Ordinal);
        var recorded = (await assets.ListAsync(cancellationToken)).ToDictionary(a => a.Asset, StringComparer.Ordinal);
        return producers.Select(p => p.Key).Concat(consumers.Select(c => c.Key)).Concat(recorded.Keys)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(asset => new AssetSummaryDto(
                asset,
                producers[asset].ToList(),
                consumers[asset].Order(StringComparer.Ordinal).ToList(),
                recorded.TryGetValue(asset, out var r) ? r.Events : 0,
                recorded.TryGetValue(asset, out var latest) ? AssetEventDto.From(latest.Latest, []) : null))
            .ToList();
    }
}

/// <summary>An asset: the activities that produce it, the workflows it triggers, how many events are kept and the latest.</summary>
public sealed record AssetSummaryDto(string Asset, IReadOnlyList<AssetProducerDto> Producers, IReadOnlyList<string> Consumers, int Events, AssetEventDto? Latest);

/// <summary>An activity that declares it produces an asset.</summary>
public sealed record AssetProducerDto(string WorkflowId, string ActivityId);
