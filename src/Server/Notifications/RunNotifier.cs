using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Server.Notifications;

/// <summary>
/// Sends a workflow's notifications (its definition's <c>notify</c>): <c>failure</c> when a run fails or is
/// interrupted, <c>success</c> when one succeeds, <c>deadlineMiss</c> when an interval misses its deadline, <c>missed</c>
/// when a minute had <c>missedPerMinute</c> missed intervals; to every
/// webhook and, as one e-mail, to every address. How each delivery ended goes into the run's history. Each event is
/// written to the outbox first and marked completed after its round, so <see cref="NotificationRedelivery"/> sends again
/// what a stopped process never finished.
/// </summary>
public sealed partial class RunNotifier(
    WebhookNotifier webhooks,
    EmailNotifier email,
    RunOperationStore operations,
    NotificationOutbox outbox,
    IOptions<NotificationOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<RunNotifier> logger) : IRunEventListener
{
    public const string Actor = "system";

    public async Task RunEndedAsync(RunRecord run, WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var kind = run.Status switch
        {
            RunStatus.Succeeded => NotifyDefinition.Success,
            RunStatus.Failed or RunStatus.Interrupted => NotifyDefinition.Failure,
            _ => null,
        };
        if (kind is null || definition.Notify is not { } notify || !notify.Wants(kind)) return;
        var notification = new NotificationEvent($"{run.Id}:{kind}", kind, run.WorkflowId, run.Id,
            Utc(run.LogicalTime), Utc(run.DataIntervalStart), Utc(run.DataIntervalEnd),
            run.Status.ToString().ToLowerInvariant(), run.Error, null, Link($"/runs/{run.Id}"), time.GetUtcNow());
        await DeliverAsync(notify, notification, cancellationToken);
    }

    public async Task DeadlineMissedAsync(DeadlineMissRecord miss, WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        if (definition.Notify is not { } notify || !notify.Wants(NotifyDefinition.DeadlineMiss)) return;
        var start = Utc(miss.IntervalStart);
        var notification = new NotificationEvent($"{miss.WorkflowId}:{start:yyyyMMddTHHmmssfffZ}:{NotifyDefinition.DeadlineMiss}", NotifyDefinition.DeadlineMiss,
            miss.WorkflowId, miss.RunId, start, start, Utc(miss.IntervalEnd), miss.RunStatus,
            $"No run of the interval had succeeded by {Utc(miss.DueAt):O} (latest run: {miss.RunStatus}).", Utc(miss.DueAt),
            Link(miss.RunId is { } id ? $"/runs/{id}" : $"/runs?workflow={Uri.EscapeDataString(miss.WorkflowId)}"), time.GetUtcNow());
        await DeliverAsync(notify, notification, cancellationToken);
    }

    public async Task IntervalsMissedAsync(MissedAlertRecord alert, WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        if (definition.Notify is not { } notify || !notify.Wants(NotifyDefinition.Missed)) return;
        var minute = Utc(alert.MinuteStart);
        var notification = new NotificationEvent($"{alert.WorkflowId}:{minute:yyyyMMddTHHmmZ}:{NotifyDefinition.Missed}", NotifyDefinition.Missed,
            alert.WorkflowId, null, minute, minute, minute.AddMinutes(1), "missed",
            $"{alert.Missed} interval(s) of the minute were missed: {alert.Reasons}", null,
            Link($"/runs?workflow={Uri.EscapeDataString(alert.WorkflowId)}"), time.GetUtcNow());
        await DeliverAsync(notify, notification, cancellationToken);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>
    /// Writes the event down in the outbox, then delivers it; nothing when it is there already (sent, or being sent).
    /// Written even when <paramref name="cancellationToken"/> is cancelled (the server stopping as a run ends
    /// interrupted): then the send fails at once and the next start sends it.
    /// </summary>
    private async Task DeliverAsync(NotifyDefinition notify, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var written = await outbox.TryAddAsync(new NotificationOutboxRecord
        {
            EventId = notification.EventId,
            WorkflowId = notification.WorkflowId,
            RunId = notification.RunId,
            Event = notification.Event,
            PayloadJson = System.Text.Json.JsonSerializer.Serialize(notification, Json),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        }, CancellationToken.None);
        if (written) await SendAsync(notify, notification, cancellationToken);
    }

    /// <summary>
    /// Sends an event written down by a process that stopped before its round ended, to the workflow's targets as its
    /// published definition names them now (none when it no longer notifies that event).
    /// </summary>
    public async Task RedeliverAsync(NotificationOutboxRecord record, CancellationToken cancellationToken)
    {
        var notification = System.Text.Json.JsonSerializer.Deserialize<NotificationEvent>(record.PayloadJson, Json)!;
        var published = await services.GetRequiredService<WorkflowCatalog>().GetPublishedAsync(record.WorkflowId, cancellationToken);
        if (published?.Definition.Notify is not { } notify || !notify.Wants(record.Event))
        {
            await outbox.CompleteAsync(record.EventId, $"not sent again: {record.WorkflowId} no longer notifies '{record.Event}'", time.GetUtcNow(), cancellationToken);
            return;
        }
        LogRedelivering(logger, record.Event, record.WorkflowId, record.EventId);
        await SendAsync(notify, notification, cancellationToken);
    }

    private async Task SendAsync(NotifyDefinition notify, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var sends = notify.Webhooks.Select(w => webhooks.SendAsync(w, notification, cancellationToken)).ToList();
        if (notify.Emails.Count > 0) sends.Add(email.SendAsync(notify.Emails, notification, cancellationToken));
        var deliveries = await Task.WhenAll(sends);
        foreach (var failed in deliveries.Where(d => !d.Delivered)) LogNotDelivered(logger, notification.Event, notification.WorkflowId, failed.ToString());
        await outbox.CompleteAsync(notification.EventId, string.Join("; ", deliveries.Select(d => d.ToString())), time.GetUtcNow(), cancellationToken);
        if (notification.RunId is null) return;
        await operations.AppendAsync(new RunOperationRecord
        {
            RunId = notification.RunId,
            At = time.GetUtcNow().UtcDateTime,
            Actor = Actor,
            Kind = RunOperationKinds.Notification,
            Status = notification.Event,
            Text = string.Join("; ", deliveries.Select(d => d.ToString())),
        }, cancellationToken);
    }

    private string Link(string path)
    {
        var root = options.Value.StudioUrl
            ?? services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://localhost:5080";
        return root.TrimEnd('/') + path;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Event} of {WorkflowId} again ({EventId}): the process sending it stopped before it ended")]
    private static partial void LogRedelivering(ILogger logger, string @event, string workflowId, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Event} of {WorkflowId} not delivered: {Delivery}")]
    private static partial void LogNotDelivered(ILogger logger, string @event, string workflowId, string delivery);
}
