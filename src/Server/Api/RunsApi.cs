using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Output;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/runs</c>: run history with filters and keyset paging, one run with its attempts, cancel.</summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/runs").WithTags("Runs");
        group.MapGet("/", ListAsync).WithSummary("Runs, newest first. Page with before=<id of the last run of the previous page>.");
        group.MapGet("/{id}", GetAsync).WithSummary("One run with every activity attempt, its inputs, outputs, error and journal.");
        group.MapPost("/{id}/cancel", Cancel).WithSummary("Cancel a queued or running run.").RequireAuthorization(AccessPolicies.Operator).Audited("cancel");
        group.MapPost("/{id}/retry", RetryAsync).WithSummary("Retry a failed, cancelled or interrupted run from the failed activity: succeeded activities' outputs are reused.")
            .RequireAuthorization(AccessPolicies.Operator).Audited("retry");
        return group;
    }

    private static async Task<Results<Ok<List<RunDto>>, ProblemHttpResult>> ListAsync(
        RunStore runs, CancellationToken ct,
        string? workflow = null, string? status = null, string? trigger = null, string? backfill = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? before = null, int limit = 50)
    {
        RunStatus? statusFilter = null;
        if (status is not null)
        {
            if (!EnumNames.TryParse<RunStatus>(status, out var s))
                return ProblemResults.BadRequest($"status '{status}' is not one of {EnumNames.List<RunStatus>()}");
            statusFilter = s;
        }
        TriggerKind? kindFilter = null;
        if (trigger is not null)
        {
            if (!EnumNames.TryParse<TriggerKind>(trigger, out var k))
                return ProblemResults.BadRequest($"trigger '{trigger}' is not one of {EnumNames.List<TriggerKind>()}");
            kindFilter = k;
        }
        if (limit is < 1 or > RunStore.MaxPageSize)
            return ProblemResults.BadRequest($"limit must be between 1 and {RunStore.MaxPageSize}");

        var page = await runs.ListAsync(new RunQuery
        {
            WorkflowId = workflow,
            Status = statusFilter,
            TriggerKind = kindFilter,
            BackfillId = backfill,
            LogicalFrom = from,
            LogicalTo = to,
            Before = before,
            Limit = limit,
        }, ct);
        return TypedResults.Ok(page.Select(RunDto.From).ToList());
    }

    private static async Task<Results<Ok<RunDetailDto>, ProblemHttpResult>> GetAsync(string id, RunStore runs, AssetStore assets, CancellationToken ct)
    {
        return await RunDetailDto.LoadAsync(runs, assets, id, ct) is { } detail ? TypedResults.Ok(detail) : ProblemResults.NotFound($"run '{id}' does not exist");
    }

    private static async Task<Results<Accepted<RunDto>, ProblemHttpResult>> RetryAsync(string id, RunLauncher launcher, RunStore runs, CancellationToken ct)
    {
        try
        {
            var handle = await launcher.RetryAsync(id, runs, ct);
            return TypedResults.Accepted($"/api/runs/{handle.Run.Id}", RunDto.From(handle.Run));
        }
        catch (RunRequestException ex)
        {
            return ProblemResults.Refused(ex);
        }
    }

    private static Results<Accepted, ProblemHttpResult> Cancel(string id, RunLauncher launcher) =>
        launcher.Cancel(id) ? TypedResults.Accepted($"/api/runs/{id}") : ProblemResults.Conflict($"run '{id}' is not queued or running on this server");
}
