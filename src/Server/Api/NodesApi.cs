using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Api;

/// <summary>Route of <c>/api/nodes</c>: the server nodes sharing the store and when each was last seen alive.</summary>
public static class NodesApi
{
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/nodes", ListAsync).WithTags("Nodes")
            .WithSummary("Every server node that recorded itself alive: when it started, when it was last seen, and how many runs it has running or queued.");
        routes.MapDelete("/api/nodes/{name}", ForgetAsync).WithTags("Nodes")
            .WithSummary("Forget a node that left for good: only one unseen for Scheduler:NodeDeadAfter whose runs are all ended (409 otherwise).")
            .RequireAuthorization(AccessPolicies.Operator).Audited("forget-node");
        return routes;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ForgetAsync(
        string name, NodeStore nodes, TimeProvider time, IOptions<SchedulerOptions> scheduler, CancellationToken ct)
    {
        var outcome = await nodes.ForgetAsync(name, scheduler.Value.NodeDeadAfter, time.GetUtcNow(), ct);
        return outcome.Result switch
        {
            NodeForgetResult.Forgotten => TypedResults.NoContent(),
            NodeForgetResult.NotFound => ProblemResults.NotFound(outcome.Message),
            _ => ProblemResults.Conflict(outcome.Message),
        };
    }

    private static async Task<Ok<IReadOnlyList<NodeDto>>> ListAsync(NodeStore nodes, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<NodeDto>>([.. (await nodes.ListAsync(ct)).Select(n => NodeDto.From(n.Node, n.UnfinishedRuns, now))]);
    }
}

/// <summary>A server node: started and last seen (UTC), seconds since, and its runs running or queued.</summary>
public sealed record NodeDto(string Name, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt, double SecondsSinceSeen, int UnfinishedRuns)
{
    public static NodeDto From(NodeRecord node, int unfinishedRuns, DateTimeOffset now)
    {
        var seen = new DateTimeOffset(DateTime.SpecifyKind(node.LastSeenAt, DateTimeKind.Utc));
        return new NodeDto(node.Name, new DateTimeOffset(DateTime.SpecifyKind(node.StartedAt, DateTimeKind.Utc)), seen,
            Math.Round(Math.Max(0, (now - seen).TotalSeconds), 1), unfinishedRuns);
    }
}
