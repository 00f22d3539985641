namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>
/// Tests that load the machine on purpose (a storm of heavy queries, servers killed and restarted) or that hold a
/// per-second promise under it run alone: xUnit runs a collection that disables parallelization after the others, so
/// they neither starve the other tests on a 2-core machine nor are starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyLoadCollection
{
    public const string Name = "heavy load";
}
