using BitsoWorkflows.Activities.MasterData.Generation;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>In <c>--demo</c>, the generated master-data snapshot the daily load reads, written once per data dir.</summary>
public static class DemoSnapshots
{
    public static async Task EnsureAsync(IServiceProvider services, GlobalOptions global, CancellationToken cancellationToken)
    {
        if (!global.Demo || File.Exists(Path.Combine(global.DemoSnapshotDir, "user_id_sample_data.csv"))) return;
        var generator = services.GetRequiredService<SnapshotGenerator>();
        var written = await generator.WriteDemoAsync(services.GetRequiredService<Engine.Hosting.DataDirectory>(), cancellationToken);
        if (!string.Equals(Path.GetFullPath(written.Directory), Path.GetFullPath(global.DemoSnapshotDir), StringComparison.Ordinal))
            throw new InvalidOperationException($"the demo snapshot went to {written.Directory}, not {global.DemoSnapshotDir}");
    }
}

/// <summary>Writes the demo snapshot when the server starts in demo mode, before any run can need it.</summary>
public sealed class DemoSnapshotService(IServiceProvider services, GlobalOptions global) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => DemoSnapshots.EnsureAsync(services, global, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
