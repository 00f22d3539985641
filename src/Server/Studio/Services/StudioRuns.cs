using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>What the Studio's buttons do to runs: start one now, retry one, cancel one.</summary>
public sealed class StudioRuns(RunLauncher launcher, RunStore runs)
{
    /// <summary>Starts a manual run with param overrides, of the latest due interval or of the one starting at <paramref name="logicalTime"/>.</summary>
    /// <exception cref="RunRequestException">Unknown workflow, bad params, or a logical time that is no interval start.</exception>
    public async Task<RunRecord> TriggerAsync(string workflowId, IReadOnlyDictionary<string, JsonElement> parameters, DateTimeOffset? logicalTime, CancellationToken cancellationToken)
    {
        var handle = await launcher.StartAsync(new RunRequest { WorkflowId = workflowId, TriggerKind = TriggerKind.Manual, Params = parameters, LogicalTime = logicalTime }, cancellationToken);
        return handle.Run;
    }

    /// <summary>Retries a run that has ended: from its failed activity after a failure, everything after a success.</summary>
    /// <exception cref="RunRequestException">The run is unknown or still going, or its logical time no longer fits the schedule.</exception>
    public async Task<RunRecord> RetryAsync(string runId, CancellationToken cancellationToken) =>
        (await launcher.RetryAsync(runId, runs, cancellationToken)).Run;

    /// <summary>Asks a queued or running run to stop; false when it is not active on this server.</summary>
    public bool Cancel(string runId) => launcher.Cancel(runId);
}
