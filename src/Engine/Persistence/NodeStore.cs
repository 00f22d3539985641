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
        var unfinished = await db.Runs.Where(r => r.Node != null && (r.Status == RunStatus.Running || r.Status == RunStatus.Queued))
            .GroupBy(r => r.Node!).Select(g => new { Node = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Node, x => x.Count, cancellationToken);
        return [.. nodes.Select(n => (n, unfinished.GetValueOrDefault(n.Name)))];
    }
}
