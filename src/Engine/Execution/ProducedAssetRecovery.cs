using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Writes the asset events a crash kept from being recorded. A producing activity's success is committed before its
/// events (so a crash never leaves an event whose activity the retry runs again); a crash in between leaves a success
/// without its events, and a retry of the run takes that success over without producing. At start-up, before the runs
/// a crash left running are marked interrupted, every success of a producing activity in them that ran (was not taken
/// over from a retried run) gets the events it lacks. Recording is idempotent, so events written before the crash are
/// not doubled. A mapped producer is left out: its instances do not say how many there were, so whether all of them
/// succeeded is unknown (a resumed run records its events; a retry that takes every instance over does not).
/// </summary>
public sealed class ProducedAssetRecovery(IDbContextFactory<WorkflowDbContext> contexts, WorkflowCatalog catalog, AssetStore assets, TimeProvider time)
{
    /// <summary>Records the missing events of the unfinished runs of <paramref name="node"/> (and of runs without a node, from before nodes were recorded, unless <paramref name="includeUnnamed"/> is false); returns how many.</summary>
    public async Task<int> RecoverAsync(string node, CancellationToken cancellationToken, bool includeUnnamed = true)
    {
        List<RunRecord> unfinished;
        await using (var db = contexts.CreateDbContext())
        {
            unfinished = await db.Runs.AsNoTracking()
                .UnfinishedOf(node, includeUnnamed)
                .ToListAsync(cancellationToken);
        }
        var recovered = 0;
        var definitions = new Dictionary<(string, int), WorkflowDefinition?>();
        foreach (var run in unfinished)
        {
            if (!definitions.TryGetValue((run.WorkflowId, run.WorkflowVersion), out var definition))
                definitions[(run.WorkflowId, run.WorkflowVersion)] = definition = await catalog.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, cancellationToken);
            var producers = definition?.Activities.Where(a => a.Produces is { Count: > 0 } && a.Map is null).ToDictionary(a => a.Id, a => a.Produces!);
            if (producers is not { Count: > 0 }) continue;

            List<string> succeeded;
            await using (var db = contexts.CreateDbContext())
            {
                var ids = producers.Keys.ToList();
                succeeded = await db.ActivityRecords.AsNoTracking()
                    .Where(a => a.RunId == run.Id && a.Status == ActivityStatus.Succeeded && a.ReusedFrom == null && ids.Contains(a.ActivityId))
                    .Select(a => a.ActivityId).Distinct().ToListAsync(cancellationToken);
            }
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var activityId in succeeded)
            {
                recovered += await assets.RecordAsync(producers[activityId].Select(asset => new AssetEventRecord
                {
                    Asset = asset,
                    WorkflowId = run.WorkflowId,
                    RunId = run.Id,
                    ActivityId = activityId,
                    IntervalStart = run.DataIntervalStart,
                    IntervalEnd = run.DataIntervalEnd,
                    CreatedAt = now,
                }).ToList(), cancellationToken);
            }
        }
        return recovered;
    }
}
