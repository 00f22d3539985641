namespace BitsoWorkflows.Engine.Tests.Support;

/// <summary>
/// Tests that run the real scheduler on the real clock and hold it to its seconds run alone: xUnit runs a collection that
/// disables parallelization after the others, so the CPU-heavy property tests (calendars, the validator's mutations,
/// generated DAGs) cannot starve them on a 2-core machine — beside them CI's machine once let four seconds in a row go missed.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClockCollection
{
    public const string Name = "real clock";
}
