using Xunit;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("BitsoWorkflows.Server.Tests.Support.LongestFirstCollectionOrderer", "BitsoWorkflows.Server.Tests")]

namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>
/// xUnit runs two test collections at a time on this two-core machine and starts the next when one ends; the suite
/// takes longest when its longest collection starts last. These start first, in this order (minutes each in CI); the
/// rest follow in xUnit's usual order, and the collections that run alone (<see cref="HeavyLoadCollection"/>) after all.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        "CrashHarnessTests",
        "CommandLineTests",
        "ShortSoakTests",
        "StudioBrowserTests",
        "ClusterFailoverTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .Select((collection, index) => (collection, index, rank: Rank(collection.DisplayName)))
            .OrderBy(c => c.rank)
            .ThenBy(c => c.index)
            .Select(c => c.collection);

    private static int Rank(string displayName)
    {
        for (var i = 0; i < Longest.Length; i++)
        {
            // Per-class collections are named "Test collection for <namespace>.<class>"; named ones by their name.
            if (displayName == Longest[i] || displayName.EndsWith("." + Longest[i], StringComparison.Ordinal))
                return i;
        }
        return Longest.Length;
    }
}
