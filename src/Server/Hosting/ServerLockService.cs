using BitsoWorkflows.Engine.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BitsoWorkflows.Server.Hosting;

/// <summary>Writes the lock file once the server listens and the engine is ready; removes it on shutdown.</summary>
public sealed partial class ServerLockService(
    IServer server,
    IHostApplicationLifetime lifetime,
    DataDirectory data,
    TimeProvider time,
    ILogger<ServerLockService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? GlobalOptions.DefaultUrls;
            if (ServerLockFile.ReadLive(data) is { } other)
                LogOtherServer(logger, other.Url, other.ProcessId);
            new ServerLockFile(url, Environment.ProcessId, time.GetUtcNow()).Write(data);
            // The one line people and scripts look for.
            Console.WriteLine($"BitsoWorkflows listening on {url} (data dir {data.Root})");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        ServerLockFile.Delete(data, Environment.ProcessId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another server (pid {ProcessId}, {Url}) holds this data dir; the last one started takes the CLI's work")]
    private static partial void LogOtherServer(ILogger logger, string url, int processId);
}
