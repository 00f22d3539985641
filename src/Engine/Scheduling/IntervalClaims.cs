using System.Collections.Concurrent;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Makes "start this interval unless it already ran" atomic within a process, so that a delayed fire arriving at
/// start-up and the catch-up that covers the same interval never both start it.
/// </summary>
public sealed class IntervalClaims(RunStore runs, TimeProvider time)
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(2);
    private readonly ConcurrentDictionary<(string WorkflowId, DateTimeOffset Start), DateTimeOffset> _claimed = new();

    /// <summary>True when the caller may start the interval: nobody here claimed it and no run of it is stored.</summary>
    public async Task<bool> TryClaimAsync(string workflowId, DateTimeOffset intervalStart, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_claimed.TryAdd((workflowId, intervalStart), now)) return false;
        if (_claimed.Count > 10_000)
            foreach (var stale in _claimed.Where(c => now - c.Value > Keep).Select(c => c.Key).ToList())
                _claimed.TryRemove(stale, out _);
        if (!await runs.ExistsAsync(workflowId, intervalStart, cancellationToken)) return true;
        return false;
    }
}
