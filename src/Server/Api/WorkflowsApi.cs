using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api.Contracts;
using BitsoWorkflows.Server.Auth;
using BitsoWorkflows.Server.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Routes of <c>/api/workflows</c>: definitions, versions, publish, revert, pause, and starting runs.</summary>
public static class WorkflowsApi
{
    public static RouteGroupBuilder MapWorkflowsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/workflows").WithTags("Workflows");
        group.MapGet("/", ListAsync).WithSummary("Every workflow with its published version, trigger, next fire and last run.");
        group.MapGet("/{id}", GetAsync).WithSummary("One workflow.");
        group.MapGet("/{id}/versions", VersionsAsync).WithSummary("The version history, newest first.");
        group.MapGet("/{id}/versions/{version:int}", VersionAsync).WithSummary("One version, with its JSON.");
        group.MapPost("/{id}/versions", PublishAsync).WithSummary("Publish a new version from a definition JSON body; validation errors come back as problem details.")
            .Accepts<WorkflowDefinition>("application/json").RequireAuthorization(AccessPolicies.Admin).Audited("publish");
        group.MapPost("/{id}/versions/{version:int}/revert", RevertAsync).WithSummary("Publish an older version's content as a new version.")
            .RequireAuthorization(AccessPolicies.Admin).Audited("revert");
        group.MapPost("/{id}/drafts", SaveDraftAsync).WithSummary("Keep a definition JSON body as a draft version: in history, not run.")
            .Accepts<WorkflowDefinition>("application/json").RequireAuthorization(AccessPolicies.Admin).Audited("draft");
        group.MapPost("/{id}/versions/{version:int}/publish", PublishDraftAsync).WithSummary("Publish a draft's content as a new version.")
            .RequireAuthorization(AccessPolicies.Admin).Audited("publish-draft");
        group.MapPost("/{id}/pause", PauseAsync).WithSummary("Stop scheduling the workflow (persisted across restarts).")
            .RequireAuthorization(AccessPolicies.Operator).Audited("pause");
        group.MapPost("/{id}/resume", ResumeAsync).WithSummary("Schedule the workflow again; intervals missed while paused are caught up only with ?catchup=true (or backfill them).")
            .RequireAuthorization(AccessPolicies.Operator).Audited("resume");
        group.MapPost("/{id}/runs", TriggerAsync).WithSummary("Start a run now, with param overrides and an optional logical time.")
            .RequireAuthorization(AccessPolicies.Operator).Audited("run-now");
        return group;
    }

    private static async Task<Ok<IReadOnlyList<WorkflowSummaryDto>>> ListAsync(WorkflowOverview overview, CancellationToken ct) =>
        TypedResults.Ok(await overview.ListAsync(ct));

    private static async Task<Results<Ok<WorkflowSummaryDto>, ProblemHttpResult>> GetAsync(string id, WorkflowOverview overview, CancellationToken ct) =>
        await overview.GetAsync(id, ct) is { } summary ? TypedResults.Ok(summary) : ProblemResults.NotFound($"workflow '{id}' does not exist");

    private static async Task<Results<Ok<List<DefinitionVersionDto>>, ProblemHttpResult>> VersionsAsync(string id, WorkflowCatalog catalog, CancellationToken ct)
    {
        var state = await catalog.Store.GetStateAsync(id, ct);
        if (state is null) return ProblemResults.NotFound($"workflow '{id}' does not exist");
        var history = await catalog.Store.HistoryAsync(id, ct);
        return TypedResults.Ok(history.Select(v => DefinitionVersionDto.From(v, state.PublishedVersion)).ToList());
    }

    private static async Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> VersionAsync(string id, int version, WorkflowCatalog catalog, CancellationToken ct)
    {
        var state = await catalog.Store.GetStateAsync(id, ct);
        var record = await catalog.Store.GetVersionAsync(id, version, ct);
        return state is null || record is null
            ? ProblemResults.NotFound($"workflow '{id}' has no version {version}")
            : TypedResults.Ok(DefinitionVersionDto.From(record, state.PublishedVersion));
    }

    private static async Task<Results<Created<DefinitionVersionDto>, ProblemHttpResult>> PublishAsync(string id, HttpRequest request, WorkflowCatalog catalog, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        var result = await catalog.PublishAsync(json, "api", request.Query["comment"].FirstOrDefault(), ct, expectedId: id);
        if (result.Version is null) return ProblemResults.Invalid(result.Errors);
        return TypedResults.Created($"/api/workflows/{id}/versions/{result.Version.Version}", DefinitionVersionDto.From(result.Version, result.Version.Version));
    }

    private static async Task<Results<Created<DefinitionVersionDto>, ProblemHttpResult>> SaveDraftAsync(string id, HttpRequest request, WorkflowCatalog catalog, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        var result = await catalog.SaveDraftAsync(json, "api", request.Query["comment"].FirstOrDefault(), ct, expectedId: id);
        if (result.Version is null) return ProblemResults.Invalid(result.Errors);
        var state = await catalog.Store.GetStateAsync(id, ct);
        return TypedResults.Created($"/api/workflows/{id}/versions/{result.Version.Version}", DefinitionVersionDto.From(result.Version, state?.PublishedVersion ?? 0));
    }

    private static Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> RevertAsync(string id, int version, WorkflowCatalog catalog, CancellationToken ct) =>
        RepublishAsync(() => catalog.Store.RevertAsync(id, version, ct));

    private static async Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> PublishDraftAsync(string id, int version, WorkflowCatalog catalog, CancellationToken ct)
    {
        var draft = await catalog.Store.GetVersionAsync(id, version, ct);
        if (draft is { State: not DefinitionState.Draft })
            return ProblemResults.Conflict($"version {version} of '{id}' is not a draft; revert to it instead");
        return await RepublishAsync(() => catalog.Store.PublishDraftAsync(id, version, ct));
    }

    private static async Task<Results<Ok<DefinitionVersionDto>, ProblemHttpResult>> RepublishAsync(Func<Task<DefinitionVersionRecord>> republish)
    {
        try
        {
            var record = await republish();
            return TypedResults.Ok(DefinitionVersionDto.From(record, record.Version));
        }
        catch (KeyNotFoundException ex)
        {
            return ProblemResults.NotFound(ex.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> PauseAsync(string id, WorkflowControl control, CancellationToken ct) =>
        await control.PauseAsync(id, ct) ? TypedResults.NoContent() : ProblemResults.NotFound($"workflow '{id}' does not exist");

    private static async Task<Results<NoContent, ProblemHttpResult>> ResumeAsync(string id, WorkflowControl control, CancellationToken ct, bool catchup = false) =>
        await control.ResumeAsync(id, ct, catchup) ? TypedResults.NoContent() : ProblemResults.NotFound($"workflow '{id}' does not exist");

    private static async Task<Results<Accepted<RunDto>, ProblemHttpResult>> TriggerAsync(string id, TriggerRunRequest? body, RunLauncher launcher, CancellationToken ct)
    {
        try
        {
            var handle = await launcher.StartAsync(new RunRequest
            {
                WorkflowId = id,
                TriggerKind = TriggerKind.Manual,
                LogicalTime = body?.LogicalTime,
                Params = body?.Params,
            }, ct);
            return TypedResults.Accepted($"/api/runs/{handle.Run.Id}", RunDto.From(handle.Run));
        }
        catch (RunRequestException ex)
        {
            return ProblemResults.Refused(ex);
        }
    }
}
