using BitsoWorkflows.Engine.Definitions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Hosting;

/// <summary>
/// Re-imports the workflows folder when a file's size or modification time changes, so editing a definition
/// publishes a new version without a restart. Polling, because file-system events are unreliable on mounted folders.
/// </summary>
public sealed partial class WorkflowFileWatcher(
    WorkflowCatalog catalog,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<WorkflowFileWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = Snapshot();
        using var timer = new PeriodicTimer(options.Value.WorkflowFilePollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var current = Snapshot();
            if (current == last) continue;
            last = current;
            try
            {
                await catalog.ImportDirectoryAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogImportFailed(logger, ex);
            }
        }
    }

    private string Snapshot()
    {
        var directory = options.Value.WorkflowsDirectory;
        if (!Directory.Exists(directory)) return "";
        return string.Join('|', new DirectoryInfo(directory).EnumerateFiles("*.json")
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-importing the workflows folder failed")]
    private static partial void LogImportFailed(ILogger logger, Exception exception);
}
