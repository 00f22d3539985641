using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
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

    /// <summary>Starts a new run of the same workflow, logical time and params, marked as a retry of <paramref name="runId"/>.</summary>
    /// <exception cref="RunRequestException">The run is unknown, or its logical time no longer fits the schedule.</exception>
    public async Task<RunRecord> RetryAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken) ?? throw new RunRequestException($"run '{runId}' does not exist", notFound: true);
        var parameters = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(run.ParamsJson, DefinitionJson.Options);
        var handle = await launcher.StartAsync(new RunRequest
        {
            WorkflowId = run.WorkflowId,
            TriggerKind = TriggerKind.Manual,
            LogicalTime = new DateTimeOffset(run.LogicalTime, TimeSpan.Zero),
            Params = parameters,
            RetryOf = run.Id,
        }, cancellationToken);
        return handle.Run;
    }

    /// <summary>Asks a queued or running run to stop; false when it is not active on this server.</summary>
    public bool Cancel(string runId) => launcher.Cancel(runId);
}
