using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/backfills</c>: create, list, get, cancel.</summary>
public static class BackfillsApi
{
    public const int DefaultMaxParallel = 2;

    public static RouteGroupBuilder MapBackfillsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/backfills").WithTags("Backfills");
        group.MapPost("/", CreateAsync).WithSummary("Start a backfill: one run per interval whose start lies in [from, to).").RequireAuthorization(AccessPolicies.Operator).Audited("backfill");
        group.MapGet("/", ListAsync).WithSummary("Backfills, newest first.");
        group.MapGet("/{id}", GetAsync).WithSummary("One backfill with its progress.");
        group.MapPost("/{id}/cancel", Cancel).WithSummary("Stop starting runs and cancel the running ones.").RequireAuthorization(AccessPolicies.Operator).Audited("backfill-cancel");
        return group;
    }

    private static async Task<Results<Created<BackfillDto>, ProblemHttpResult>> CreateAsync(CreateBackfillRequest body, BackfillService backfills, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.WorkflowId)) return ProblemResults.BadRequest("workflowId is required");
        try
        {
            var record = await backfills.StartAsync(body.WorkflowId, body.From, body.To, body.MaxParallel ?? DefaultMaxParallel, body.Params, ct);
            return TypedResults.Created($"/api/backfills/{record.Id}", BackfillDto.Create(record));
        }
        catch (RunRequestException ex)
        {
            return ProblemResults.Refused(ex);
        }
    }

    private static async Task<Ok<List<BackfillDto>>> ListAsync(BackfillService backfills, CancellationToken ct, string? workflow = null, int limit = 50) =>
        TypedResults.Ok((await backfills.ListAsync(workflow, limit, ct)).Select(BackfillDto.Create).ToList());

    private static async Task<Results<Ok<BackfillDto>, ProblemHttpResult>> GetAsync(string id, BackfillService backfills, CancellationToken ct) =>
        await backfills.GetAsync(id, ct) is { } record ? TypedResults.Ok(BackfillDto.Create(record)) : ProblemResults.NotFound($"backfill '{id}' does not exist");

    private static Results<Accepted, ProblemHttpResult> Cancel(string id, BackfillService backfills) =>
        backfills.Cancel(id) ? TypedResults.Accepted($"/api/backfills/{id}") : ProblemResults.Conflict($"backfill '{id}' is not running on this server");
}
