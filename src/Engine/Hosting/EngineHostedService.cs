using BitsoWorkflows.Engine.Execution;
using Microsoft.Extensions.Hosting;

namespace BitsoWorkflows.Engine.Hosting;

/// <summary>Starts the engine with the server (store, interrupted runs, workflow files, runs waiting in a sensor) and interrupts active runs on shutdown.</summary>
public sealed class EngineHostedService(EngineInitializer initializer, RunLauncher launcher, Persistence.RunStore runs, EngineReadiness readiness) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.StartServerAsync(cancellationToken);
        foreach (var runId in initializer.ResumableRuns)
            await launcher.ResumeAsync(runId, runs, cancellationToken);
        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => launcher.StopAsync(TimeSpan.FromSeconds(10));
}
