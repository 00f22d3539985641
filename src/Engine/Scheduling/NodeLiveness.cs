using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Every server records each <see cref="SchedulerOptions.NodeHeartbeatInterval"/> that it is alive (table
/// <c>nodes</c>), and ends the runs of nodes that stopped: a run left running or queued by a node not seen for
/// <see cref="SchedulerOptions.NodeDeadAfter"/> gets the asset events a crash kept from being written
/// (<see cref="ProducedAssetRecovery"/>) and is marked interrupted, naming the node — what the dead node would do at its
/// next start, which in a cluster may never come. Several nodes may end the same runs at once; both steps are
/// idempotent. A node that never recorded itself (the CLI) is never judged, and a run a sensor waited in is ended too
/// (its own node would have resumed it): retry it. A node that was only slow and finishes a run afterwards records its
/// real outcome over the interruption.
/// </summary>
public sealed partial class NodeLiveness(
    IDbContextFactory<WorkflowDbContext> contexts,
    RunStore runs,
    ProducedAssetRecovery producedAssets,
    TimeProvider time,
    IOptions<EngineOptions> engine,
    IOptions<SchedulerOptions> options,
    ILogger<NodeLiveness> logger) : BackgroundService
{
    private DateTime? _startedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NodeHeartbeatInterval, time);
        try
        {
            do
            {
                try
                {
                    await BeatAsync(stoppingToken);
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Records that this node is alive now (and, the first time, when it started).</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var name = engine.Value.NodeName;
        var started = _startedAt ??= now;
        await using var db = contexts.CreateDbContext();
        if (await db.Nodes.Where(n => n.Name == name)
                .ExecuteUpdateAsync(u => u.SetProperty(n => n.LastSeenAt, now).SetProperty(n => n.StartedAt, started), cancellationToken) > 0)
            return;
        db.Nodes.Add(new NodeRecord { Name = name, StartedAt = started, LastSeenAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another process with this node name inserted it in between; its beat stands for both.
        }
    }

    /// <summary>Ends the runs of every node not seen for <see cref="SchedulerOptions.NodeDeadAfter"/>; returns the nodes whose runs it ended.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var me = engine.Value.NodeName;
        var seenBefore = (time.GetUtcNow() - options.Value.NodeDeadAfter).UtcDateTime;
        List<NodeRecord> dead;
        await using (var db = contexts.CreateDbContext())
        {
            var withUnfinishedRuns = db.Runs.Unfinished().Select(r => r.Node);
            dead = await db.Nodes.AsNoTracking()
                .Where(n => n.Name != me && n.LastSeenAt < seenBefore && withUnfinishedRuns.Contains(n.Name))
                .ToListAsync(cancellationToken);
        }
        var ended = new List<string>();
        foreach (var node in dead)
        {
            var events = await producedAssets.RecoverAsync(node.Name, cancellationToken, includeUnnamed: false);
            var count = await runs.MarkInterruptedAsync(node.Name, time.GetUtcNow(), cancellationToken,
                reason: $"Node '{node.Name}', which ran it, stopped answering (last seen {node.LastSeenAt:yyyy-MM-dd HH:mm:ss} UTC); node '{me}' marked it interrupted.",
                includeUnnamed: false);
            LogEnded(logger, count, node.Name, node.LastSeenAt, events);
            ended.Add(node.Name);
        }
        return ended;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marked {Count} runs of node {Node}, last seen {LastSeen:u}, as interrupted (after recording {Events} asset events it had not written)")]
    private static partial void LogEnded(ILogger logger, int count, string node, DateTime lastSeen, int events);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording this node alive or ending the runs of stopped nodes failed; trying again at the next beat")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
