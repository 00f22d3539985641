using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Api;

/// <summary>
/// Health for load balancers and orchestrators, without sign-in: <c>/health</c> (the engine is up), <c>/health/live</c>
/// (the process answers; restart it when this fails) and <c>/health/ready</c> (send it traffic: the store answers, the
/// engine is up and the scheduler started, unless this node does not schedule).
/// </summary>
public static class HealthApi
{
    /// <summary>How long the readiness probe waits for the store before calling it unreachable.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public static void MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (EngineReadiness readiness) => readiness.IsReady
            ? Results.Ok(new { status = "ready" })
            : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("Health").WithSummary("200 once the engine is up.");
        routes.MapGet("/health/live", (IOptions<EngineOptions> engine) => TypedResults.Ok(new LiveDto("live", engine.Value.NodeName)))
            .WithTags("Health").WithSummary("200 while the process answers; checks no dependency.");
        routes.MapGet("/health/ready", ReadyAsync)
            .WithTags("Health").WithSummary("200 when this node can take work: the store answers, the engine is up, the scheduler started (or is disabled here); 503 with the failing checks otherwise.");
    }

    private static async Task<Results<Ok<ReadyDto>, JsonHttpResult<ReadyDto>>> ReadyAsync(
        EngineReadiness readiness, SchedulerStatus scheduler, IDbContextFactory<WorkflowDbContext> contexts,
        IOptions<EngineOptions> engine, IOptions<SchedulerOptions> scheduling, IOptions<StoreOptions> store, CancellationToken ct)
    {
        var problems = new List<string>();
        if (!readiness.IsReady) problems.Add("engine: starting");
        var storeState = await ProbeStoreAsync(contexts, ct);
        if (storeState != "ok") problems.Add($"store: {storeState}");
        string schedulerState;
        if (!scheduling.Value.Enabled) schedulerState = "disabled";
        else if (scheduler.IsStarted) schedulerState = "started";
        else
        {
            schedulerState = "not started";
            problems.Add("scheduler: not started");
        }

        var ready = new ReadyDto(
            problems.Count == 0 ? "ready" : "not ready",
            engine.Value.NodeName,
            store.Value.Provider.ToLowerInvariant(),
            scheduling.Value.Clustered == true,
            schedulerState,
            scheduler.InstanceId,
            storeState,
            problems);
        return problems.Count == 0 ? TypedResults.Ok(ready) : TypedResults.Json(ready, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> ProbeStoreAsync(IDbContextFactory<WorkflowDbContext> contexts, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StoreTimeout);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token) ? "ok" : "unreachable";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {StoreTimeout.TotalSeconds:F0} s";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"unreachable ({ex.GetType().Name}: {ex.Message.Split('\n')[0]})";
        }
    }

    /// <summary>The answer of <c>/health/live</c>.</summary>
    public sealed record LiveDto(string Status, string Node);

    /// <summary>
    /// The answer of <c>/health/ready</c>: this node's name, store provider, whether it is in a cluster, its scheduler
    /// (<c>started</c>, <c>not started</c>, <c>disabled</c> when it serves the API and Studio only) with Quartz's
    /// instance id, the store probe, and what keeps it from being ready.
    /// </summary>
    public sealed record ReadyDto(string Status, string Node, string Store, bool Clustered, string Scheduler, string? SchedulerInstance, string StoreCheck, IReadOnlyList<string> Problems);
}
