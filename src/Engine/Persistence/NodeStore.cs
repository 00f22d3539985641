using BitsoWorkflows.Engine.Execution;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>The server nodes that recorded themselves alive (<see cref="Scheduling.NodeLiveness"/>), for operators.</summary>
public sealed class NodeStore(IDbContextFactory<WorkflowDbContext> contexts)
{
    /// <summary>Every node by name, with how many runs it has running or queued.</summary>
    public async Task<IReadOnlyList<(NodeRecord Node, int UnfinishedRuns)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var nodes = await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(cancellationToken);
        var unfinished = await db.Runs.Unfinished().Where(r => r.Node != null)
            .GroupBy(r => r.Node!).Select(g => new { Node = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Node, x => x.Count, cancellationToken);
        return [.. nodes.Select(n => (n, unfinished.GetValueOrDefault(n.Name)))];
    }

    /// <summary>
    /// Removes a node that left the cluster for good from the list. Only a node unseen for <paramref name="deadAfter"/>
    /// whose runs are all ended (a live node ends them once it is unseen that long); returns why not otherwise.
    /// </summary>
    public async Task<NodeForgetOutcome> ForgetAsync(string name, TimeSpan deadAfter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var node = await db.Nodes.AsNoTracking().SingleOrDefaultAsync(n => n.Name == name, cancellationToken);
        if (node is null) return new NodeForgetOutcome(NodeForgetResult.NotFound, $"no node '{name}' has recorded itself in this store");
        var unseen = now.UtcDateTime - node.LastSeenAt;
        if (unseen < deadAfter)
            return new NodeForgetOutcome(NodeForgetResult.Alive,
                $"node '{name}' was seen {unseen.TotalSeconds:0} s ago, within Scheduler:NodeDeadAfter ({deadAfter.TotalSeconds:0} s): stop it first");
        var unfinished = await db.Runs.UnfinishedOf(name, includeUnnamed: false).CountAsync(cancellationToken);
        if (unfinished > 0)
            return new NodeForgetOutcome(NodeForgetResult.HasRuns,
                $"node '{name}' still has {unfinished} runs running or queued; a live node ends them as interrupted within a heartbeat, then forget it");
        // Only while it is still as unseen as checked: a node that came back in between stays.
        var removed = await db.Nodes.Where(n => n.Name == name && n.LastSeenAt == node.LastSeenAt).ExecuteDeleteAsync(cancellationToken);
        return removed > 0
            ? new NodeForgetOutcome(NodeForgetResult.Forgotten, $"forgot node '{name}' (last seen {node.LastSeenAt:yyyy-MM-dd HH:mm:ss} UTC)")
            : new NodeForgetOutcome(NodeForgetResult.Alive, $"node '{name}' recorded itself alive again: stop it first");
    }
}

public enum NodeForgetResult
{
    Forgotten,
    NotFound,
    Alive,
    HasRuns,
}

/// <summary>What <see cref="NodeStore.ForgetAsync"/> did, and a sentence that says so.</summary>
public sealed record NodeForgetOutcome(NodeForgetResult Result, string Message)
{
    /// <summary>A short stable word for it (<c>ok</c>, <c>not-found</c>, <c>alive</c>, <c>has-runs</c>), as audit logs record outcomes.</summary>
    public string Code => Result switch
    {
        NodeForgetResult.Forgotten => "ok",
        NodeForgetResult.NotFound => "not-found",
        NodeForgetResult.Alive => "alive",
        _ => "has-runs",
    };
}
