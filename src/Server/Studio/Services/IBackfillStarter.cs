using System.Text.Json;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// What the Workflows page's Backfill dialog needs from the scheduler: start a backfill over [From, To) and follow its
/// progress. Registered by the scheduling work; while nothing implements it the dialog says backfills are unavailable.
/// </summary>
public interface IBackfillStarter
{
    /// <summary>Starts one run per interval starting in [from, to), at most <paramref name="maxParallel"/> at once; returns the backfill's id.</summary>
    Task<string> StartAsync(string workflowId, DateTimeOffset from, DateTimeOffset to, int maxParallel, IReadOnlyDictionary<string, JsonElement> parameters, CancellationToken cancellationToken);

    /// <summary>Progress of a backfill, or null when it is unknown.</summary>
    Task<BackfillProgress?> GetAsync(string backfillId, CancellationToken cancellationToken);

    /// <summary>Stops starting further runs of the backfill and cancels its active ones.</summary>
    Task<bool> CancelAsync(string backfillId, CancellationToken cancellationToken);
}
