using System.Text.Json;
using BitsoWorkflows.Engine.Scheduling;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>The Studio's backfill dialog on the engine's <see cref="BackfillService"/>.</summary>
public sealed class BackfillStarter(BackfillService backfills) : IBackfillStarter
{
    public async Task<string> StartAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, int maxParallel, IReadOnlyDictionary<string, JsonElement> parameters, CancellationToken cancellationToken) =>
        (await backfills.StartAsync(workflowId, from, to, maxParallel, parameters.Count == 0 ? null : parameters, cancellationToken)).Id;

    public async Task<BackfillProgress?> GetAsync(string backfillId, CancellationToken cancellationToken) =>
        await backfills.GetAsync(backfillId, cancellationToken) is { } record
            ? new BackfillProgress(record.Id, record.WorkflowId, record.Total, record.Succeeded, record.Failed, record.Running,
                record.Status.ToString().ToLowerInvariant(), record.Status != Engine.Persistence.BackfillStatus.Running)
            : null;

    public Task<bool> CancelAsync(string backfillId, CancellationToken cancellationToken) => Task.FromResult(backfills.Cancel(backfillId));
}
