using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Notifications;

/// <summary>
/// At start and every minute: sends again the notifications whose delivery round began more than
/// <see cref="NotificationOptions.RedeliverAfter"/> ago and never ended (the process sending them stopped), and deletes
/// completed ones older than a day. At least once: a receiver drops a repeat by its <c>X-Event-Id</c>.
/// </summary>
public sealed partial class NotificationRedelivery(
    NotificationOutbox outbox,
    RunNotifier notifier,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationRedelivery> logger) : BackgroundService
{
    public const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await PeriodicWork.RunAsync(TimeSpan.FromMinutes(1), time, async token => await RedeliverAsync(token), ex => LogPassFailed(logger, ex), stoppingToken);
    }

    /// <summary>One pass; returns how many events it sent again.</summary>
    public async Task<int> RedeliverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var unfinished = await outbox.TakeUnfinishedAsync(now - options.Value.RedeliverAfter, Batch, now, cancellationToken);
        foreach (var record in unfinished)
            await notifier.RedeliverAsync(record, cancellationToken);
        await outbox.PruneAsync(now.AddDays(-1), cancellationToken);
        return unfinished.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending unfinished notifications again failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
