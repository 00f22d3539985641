using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Tests.Execution;

public sealed class TriggerRulesTests
{
    private static readonly UpstreamState[] Final = [UpstreamState.Succeeded, UpstreamState.Failed, UpstreamState.UpstreamFailed, UpstreamState.Skipped];

    /// <summary>Every rule, every multiset of one to four final upstream states, every order they finish in.</summary>
    [Fact]
    public void Decide_ForEveryRuleStatesAndArrivalOrder_DecidesOnceAndAsTheFinalStatesSay()
    {
        var checkedCases = 0;
        foreach (var rule in Enum.GetValues<TriggerRule>())
        {
            foreach (var states in Combinations(4))
            {
                var final = TriggerRules.Decide(rule, states);
                Assert.NotEqual(TriggerDecision.Wait, final);
                Assert.Equal(Expected(rule, states), final);
                foreach (var order in Permutations(Enumerable.Range(0, states.Count).ToList()))
                {
                    var known = Enumerable.Repeat(UpstreamState.Pending, states.Count).ToArray();
                    foreach (var index in order)
                    {
                        var early = TriggerRules.Decide(rule, known);
                        Assert.True(early == TriggerDecision.Wait || early == final,
                            $"{rule} with [{string.Join(", ", known)}] decided {early}, but with [{string.Join(", ", states)}] it is {final}");
                        known[index] = states[index];
                    }
                    checkedCases++;
                }
            }
        }
        Assert.True(checkedCases > 8 * 300, $"only {checkedCases} cases were generated");
    }

    [Theory]
    [InlineData(TriggerRule.AllSuccess)]
    [InlineData(TriggerRule.AllDone)]
    [InlineData(TriggerRule.NoneFailed)]
    [InlineData(TriggerRule.Always)]
    public void Decide_WithoutUpstream_Runs(TriggerRule rule) => Assert.Equal(TriggerDecision.Run, TriggerRules.Decide(rule, []));

    [Fact]
    public void Decide_WhenEarlyStatesSettleIt_DoesNotWaitForTheRest()
    {
        UpstreamState[] oneFailedOnePending = [UpstreamState.Failed, UpstreamState.Pending];
        Assert.Equal(TriggerDecision.UpstreamFailed, TriggerRules.Decide(TriggerRule.AllSuccess, oneFailedOnePending));
        Assert.Equal(TriggerDecision.Run, TriggerRules.Decide(TriggerRule.OneFailed, oneFailedOnePending));
        Assert.Equal(TriggerDecision.Run, TriggerRules.Decide(TriggerRule.OneSuccess, [UpstreamState.Succeeded, UpstreamState.Pending]));
        Assert.Equal(TriggerDecision.Run, TriggerRules.Decide(TriggerRule.Always, [UpstreamState.Pending]));
        Assert.Equal(TriggerDecision.Wait, TriggerRules.Decide(TriggerRule.AllDone, oneFailedOnePending));
    }

    /// <summary>Airflow's documented rules over the set of final upstream states (written from its docs, not from the code).</summary>
    internal static TriggerDecision Expected(TriggerRule rule, IReadOnlyCollection<UpstreamState> states)
    {
        bool Has(UpstreamState s) => states.Contains(s);
        var failed = Has(UpstreamState.Failed) || Has(UpstreamState.UpstreamFailed);
        return rule switch
        {
            TriggerRule.AllSuccess => failed ? TriggerDecision.UpstreamFailed : Has(UpstreamState.Skipped) ? TriggerDecision.Skip : TriggerDecision.Run,
            TriggerRule.AllDone or TriggerRule.Always => TriggerDecision.Run,
            TriggerRule.AllFailed => Has(UpstreamState.Succeeded) || Has(UpstreamState.Skipped) ? TriggerDecision.Skip : TriggerDecision.Run,
            TriggerRule.OneSuccess => Has(UpstreamState.Succeeded) ? TriggerDecision.Run
                : states.All(s => s == UpstreamState.Skipped) ? TriggerDecision.Skip : TriggerDecision.UpstreamFailed,
            TriggerRule.OneFailed => failed ? TriggerDecision.Run : TriggerDecision.Skip,
            TriggerRule.NoneFailed => failed ? TriggerDecision.UpstreamFailed : TriggerDecision.Run,
            TriggerRule.NoneSkipped => Has(UpstreamState.Skipped) ? TriggerDecision.Skip : TriggerDecision.Run,
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
    }

    private static IEnumerable<List<UpstreamState>> Combinations(int maxLength)
    {
        IEnumerable<List<UpstreamState>> level = [[]];
        for (var length = 1; length <= maxLength; length++)
        {
            level = level.SelectMany(prefix => Final.Select(s => (List<UpstreamState>)[.. prefix, s])).ToList();
            foreach (var combination in level) yield return combination;
        }
    }

    private static IEnumerable<List<int>> Permutations(List<int> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }
        foreach (var first in items)
            foreach (var rest in Permutations(items.Where(i => i != first).ToList()))
                yield return [first, .. rest];
    }
}
