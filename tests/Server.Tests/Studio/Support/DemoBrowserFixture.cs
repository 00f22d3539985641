using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Studio.Support;

/// <summary>
/// The browser against a server as <c>serve --demo</c> runs it, with the shipped per-second order-book workflow (the
/// books are simulated and captured every second) and the shipped master-data workflow (over the generated demo
/// snapshots). A threshold far below any simulated spread is added to the shipped ones, so alerts open within seconds
/// instead of now and then.
/// </summary>
public sealed class DemoBrowserFixture : BrowserFixture
{
    public const string WorkflowId = "order-book-every-second";

    public const string MasterDataWorkflowId = "master-data-daily";

    /// <summary>Below the simulation's smallest spread (0.005 %), so every book is always above it.</summary>
    public const decimal AlwaysCrossedThreshold = 0.001m;

    private const string ShippedThresholds = "\"default\": [1.0, 0.5, 0.1]";

    protected override Task<StudioTestServer> StartServerAsync()
    {
        var shipped = RepoFiles.Workflow(WorkflowId);
        if (!shipped.Contains(ShippedThresholds, StringComparison.Ordinal))
            throw new InvalidOperationException($"workflows/{WorkflowId}.json no longer has {ShippedThresholds}; update this fixture.");
        var definition = shipped.Replace(ShippedThresholds, $"\"default\": [1.0, 0.5, 0.1, {AlwaysCrossedThreshold}]", StringComparison.Ordinal);
        return StudioTestServer.StartAsync(
            new Dictionary<string, string> { [WorkflowId + ".json"] = definition, [MasterDataWorkflowId + ".json"] = RepoFiles.Workflow(MasterDataWorkflowId) },
            new Dictionary<string, string> { ["Scheduler:ReconcileInterval"] = "00:00:01" },
            demo: true);
    }
}
