namespace BitsoWorkflows.Activities.Tests;

/// <summary>
/// Tests that hold a real-time promise (a capture within its second) run alone: xUnit runs a collection that disables
/// parallelization after the others, so the memory- and CPU-heavy tests (the query sandbox's corpus, the backfill
/// property) cannot starve them on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClockCollection
{
    public const string Name = "real clock";
}
