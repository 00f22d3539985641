using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using Quartz;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// The Quartz job behind every workflow trigger. A <c>tick</c> fires at each occurrence of the workflow's schedule and
/// works out the interval it closes (or opens, for <c>fireAt: intervalStart</c>); when the trigger has a delay, the tick
/// stores a one-shot <c>due</c> trigger for the end of the delay, so the wait survives a restart.
/// </summary>
public sealed class WorkflowFireJob(WorkflowCatalog catalog, WorkflowTriggerStore triggers, ScheduledFireHandler handler) : IJob
{
    public const string WorkflowIdKey = "workflowId";
    public const string StageKey = "stage";
    public const string LogicalTimeKey = "logicalTime";
    public const string TickStage = "tick";
    public const string DueStage = "due";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var workflowId = data.GetString(WorkflowIdKey)!;
        var published = await catalog.GetPublishedAsync(workflowId, cancellationToken);
        if (published?.Definition.Schedule is not { } trigger) return;
        var schedule = WorkflowSchedule.From(trigger);

        DataInterval interval;
        if (data.GetString(StageKey) == DueStage)
        {
            var start = DateTimeOffset.Parse(data.GetString(LogicalTimeKey)!, System.Globalization.CultureInfo.InvariantCulture);
            interval = new DataInterval(start, schedule.Next(start));
        }
        else
        {
            var occurrence = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
            interval = schedule.FiresAtStart ? schedule.IntervalAt(occurrence) : schedule.IntervalAt(occurrence.AddTicks(-1));
            if (schedule.Delay > TimeSpan.Zero)
            {
                await triggers.ScheduleDueAsync(context.Scheduler, workflowId, interval, schedule.FireTime(interval), cancellationToken);
                return;
            }
        }
        await handler.HandleAsync(workflowId, interval, cancellationToken);
    }
}
