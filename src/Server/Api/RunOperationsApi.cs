using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Output;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes that operate on finished runs: history, notes, mark succeeded or failed, clear; and deadline misses.</summary>
public static class RunOperationsApi
{
    public static IEndpointRouteBuilder MapRunOperationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/runs").WithTags("Runs");
        group.MapGet("/{id}/history", HistoryAsync).WithSummary("What was done to a run after it ran, oldest first: notes, marks, clears, notifications.");
        group.MapPost("/{id}/notes", AddNoteAsync).WithSummary("Add a Markdown note to a run.")
            .RequireAuthorization(AccessPolicies.Operator).Audited("note");
        group.MapPost("/{id}/mark", MarkAsync).WithSummary("Mark a finished run, or one of its activities, succeeded or failed, with a reason.")
            .RequireAuthorization(AccessPolicies.Operator).Audited("mark");
        group.MapPost("/{id}/clear", ClearAsync).WithSummary("Run an activity of a finished run again (and optionally everything downstream) in a new run that reuses the other outputs.")
            .RequireAuthorization(AccessPolicies.Operator).Audited("clear");
        routes.MapGet("/api/deadline-misses", DeadlineMissesAsync).WithTags("Runs").WithSummary("Intervals whose run had not succeeded by the workflow's deadline, newest first.");
        return routes;
    }

    private static async Task<Results<Ok<List<RunOperationDto>>, ProblemHttpResult>> HistoryAsync(string id, RunStore runs, RunOperationStore operations, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is null) return ProblemResults.NotFound($"run '{id}' does not exist");
        return TypedResults.Ok((await operations.ListAsync(id, ct)).Select(RunOperationDto.From).ToList());
    }

    private static async Task<Results<Created<RunOperationDto>, ProblemHttpResult>> AddNoteAsync(string id, RunNoteRequest request, RunOperator runOperator, HttpContext http, CancellationToken ct)
    {
        try
        {
            var note = await runOperator.AddNoteAsync(id, Actor(http), request.Text, ct);
            return TypedResults.Created($"/api/runs/{id}/history", RunOperationDto.From(note));
        }
        catch (RunOperationException ex)
        {
            return ProblemResults.Refused(ex);
        }
    }

    private static async Task<Results<Ok<RunOperationDto>, ProblemHttpResult>> MarkAsync(string id, RunMarkRequest request, RunOperator runOperator, HttpContext http, CancellationToken ct)
    {
        try
        {
            RunOperationRecord operation;
            if (request.Activity is { } activity)
            {
                if (!EnumNames.TryParse<ActivityStatus>(request.Status, out var status)) return BadStatus(request.Status);
                operation = await runOperator.MarkActivityAsync(id, activity, status, request.Reason, Actor(http), ct);
            }
            else
            {
                if (!EnumNames.TryParse<RunStatus>(request.Status, out var status)) return BadStatus(request.Status);
                operation = await runOperator.MarkRunAsync(id, status, request.Reason, Actor(http), ct);
            }
            return TypedResults.Ok(RunOperationDto.From(operation));
        }
        catch (RunOperationException ex)
        {
            return ProblemResults.Refused(ex);
        }
    }

    private static async Task<Results<Accepted<RunDto>, ProblemHttpResult>> ClearAsync(string id, RunClearRequest request, RunOperator runOperator, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Activity)) return ProblemResults.BadRequest("'activity' is required: the id of the activity to run again");
        try
        {
            var (run, _) = await runOperator.ClearAsync(id, request.Activity, request.Downstream, Actor(http), ct);
            return TypedResults.Accepted($"/api/runs/{run.Run.Id}", RunDto.From(run.Run));
        }
        catch (RunOperationException ex)
        {
            return ProblemResults.Refused(ex);
        }
    }

    private static async Task<Results<Ok<List<DeadlineMissDto>>, ProblemHttpResult>> DeadlineMissesAsync(DeadlineMissStore misses, CancellationToken ct, string? workflow = null, int limit = 50)
    {
        if (limit is < 1 or > DeadlineMissStore.MaxPageSize) return ProblemResults.BadRequest($"limit must be between 1 and {DeadlineMissStore.MaxPageSize}");
        return TypedResults.Ok((await misses.ListAsync(workflow, limit, ct)).Select(DeadlineMissDto.From).ToList());
    }

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "anonymous";

    private static ProblemHttpResult BadStatus(string? status) =>
        ProblemResults.BadRequest(status is null ? "'status' is required: succeeded or failed" : $"status '{status}' cannot be set by hand; use succeeded or failed");

}
