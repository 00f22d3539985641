using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Airflow's trigger rules as a pure function of the upstream states. A decision is taken as soon as the states known
/// so far settle it (a failed upstream makes an <c>all_success</c> activity upstream_failed at once), and is the
/// same whatever order the upstreams finish in.
/// </summary>
public static class TriggerRules
{
    public static TriggerDecision Decide(TriggerRule rule, IReadOnlyCollection<UpstreamState> upstream)
    {
        if (rule == TriggerRule.Always || upstream.Count == 0) return TriggerDecision.Run;
        int succeeded = 0, failed = 0, upstreamFailed = 0, skipped = 0, pending = 0;
        foreach (var state in upstream)
        {
            switch (state)
            {
                case UpstreamState.Succeeded: succeeded++; break;
                case UpstreamState.Failed: failed++; break;
                case UpstreamState.UpstreamFailed: upstreamFailed++; break;
                case UpstreamState.Skipped: skipped++; break;
                default: pending++; break;
            }
        }
        var done = pending == 0;
        var anyFailed = failed + upstreamFailed > 0;

        return rule switch
        {
            // A failure decides at once; skipped waits for the rest, so that a failure arriving later still wins and
            // the outcome does not depend on which upstream finished first.
            TriggerRule.AllSuccess => anyFailed ? TriggerDecision.UpstreamFailed
                : !done ? TriggerDecision.Wait
                : skipped > 0 ? TriggerDecision.Skip : TriggerDecision.Run,
            TriggerRule.AllDone => done ? TriggerDecision.Run : TriggerDecision.Wait,
            TriggerRule.AllFailed => succeeded + skipped > 0 ? TriggerDecision.Skip
                : done ? TriggerDecision.Run : TriggerDecision.Wait,
            TriggerRule.OneSuccess => succeeded > 0 ? TriggerDecision.Run
                : !done ? TriggerDecision.Wait
                : skipped == upstream.Count ? TriggerDecision.Skip : TriggerDecision.UpstreamFailed,
            TriggerRule.OneFailed => anyFailed ? TriggerDecision.Run
                : done ? TriggerDecision.Skip : TriggerDecision.Wait,
            TriggerRule.NoneFailed => anyFailed ? TriggerDecision.UpstreamFailed
                : done ? TriggerDecision.Run : TriggerDecision.Wait,
            TriggerRule.NoneSkipped => skipped > 0 ? TriggerDecision.Skip
                : done ? TriggerDecision.Run : TriggerDecision.Wait,
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown trigger rule"),
        };
    }

    /// <summary>The rule as written in definitions: <c>all_success</c>, <c>one_failed</c>, …</summary>
    public static string Name(TriggerRule rule) => JsonSerializer.Serialize(rule).Trim('"');

    /// <summary>The state an edge passes on from its source's final status (a branch not taken is passed on as skipped by the caller).</summary>
    public static UpstreamState FromStatus(ActivityStatus status) => status switch
    {
        ActivityStatus.Succeeded => UpstreamState.Succeeded,
        ActivityStatus.Skipped => UpstreamState.Skipped,
        ActivityStatus.UpstreamFailed => UpstreamState.UpstreamFailed,
        _ => UpstreamState.Failed,
    };
}
