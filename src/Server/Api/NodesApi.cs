using BitsoWorkflows.Engine.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BitsoWorkflows.Server.Api;

/// <summary>Route of <c>/api/nodes</c>: the server nodes sharing the store and when each was last seen alive.</summary>
public static class NodesApi
{
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/nodes", ListAsync).WithTags("Nodes")
            .WithSummary("Every server node that recorded itself alive: when it started, when it was last seen, and how many runs it has running or queued.");
        return routes;
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
