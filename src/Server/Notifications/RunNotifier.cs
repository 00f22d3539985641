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
/// webhook and, as one e-mail, to every address. How each delivery ended goes into the run's history.
/// </summary>
public sealed partial class RunNotifier(
    WebhookNotifier webhooks,
    EmailNotifier email,
    RunOperationStore operations,
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

    private async Task DeliverAsync(NotifyDefinition notify, NotificationEvent notification, CancellationToken cancellationToken)
    {
        var sends = notify.Webhooks.Select(w => webhooks.SendAsync(w, notification, cancellationToken)).ToList();
        if (notify.Emails.Count > 0) sends.Add(email.SendAsync(notify.Emails, notification, cancellationToken));
        var deliveries = await Task.WhenAll(sends);
        foreach (var failed in deliveries.Where(d => !d.Delivered)) LogNotDelivered(logger, notification.Event, notification.WorkflowId, failed.ToString());
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Event} of {WorkflowId} not delivered: {Delivery}")]
    private static partial void LogNotDelivered(ILogger logger, string @event, string workflowId, string delivery);
}
