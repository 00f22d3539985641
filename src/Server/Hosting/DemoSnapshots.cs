using BitsoWorkflows.Activities.MasterData.Generation;
using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>In <c>--demo</c>, the generated master-data snapshot the daily load reads, written once per data dir.</summary>
public static class DemoSnapshots
{
    public static async Task EnsureAsync(IServiceProvider services, GlobalOptions global, CancellationToken cancellationToken)
    {
        if (!global.Demo || SnapshotLayout.Find(global.DemoSnapshotDir, SnapshotSource.Users) is not null) return;
        await services.GetRequiredService<SnapshotGenerator>().WriteDemoAsync(global.Data, cancellationToken);
    }
}

/// <summary>Writes the demo snapshot when the server starts in demo mode, before any run can need it.</summary>
public sealed class DemoSnapshotService(IServiceProvider services, GlobalOptions global) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => DemoSnapshots.EnsureAsync(services, global, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
