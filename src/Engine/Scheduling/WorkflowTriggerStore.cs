using System.Globalization;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>
/// Keeps the Quartz job store in line with the published definitions: one durable job and one trigger per workflow
/// with a trigger, rescheduled when the trigger changes, removed when it goes.
/// </summary>
public sealed partial class WorkflowTriggerStore(WorkflowCatalog catalog, TimeProvider time, ILogger<WorkflowTriggerStore> logger)
{
    public const string JobGroup = "workflows";
    public const string ScheduleGroup = "schedule";
    public const string DueGroup = "due";
    private const string SpecKey = "spec";

    /// <summary>Adds, reschedules and removes triggers; returns how many changed.</summary>
    public async Task<int> ReconcileAsync(IScheduler scheduler, CancellationToken cancellationToken) =>
        await ReconcileAsync(scheduler, await catalog.ListPublishedAsync(cancellationToken), cancellationToken);

    /// <summary>Adds, reschedules and removes triggers to match <paramref name="published"/> (every published workflow); returns how many changed.</summary>
    public async Task<int> ReconcileAsync(IScheduler scheduler, IReadOnlyList<PublishedWorkflow> published, CancellationToken cancellationToken)
    {
        var changed = 0;
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workflow in published)
        {
            if (workflow.Definition.Schedule is not { } trigger) continue;
            var id = workflow.Definition.Id;
            wanted.Add(id);
            var spec = Spec(trigger);
            var key = new TriggerKey(id, ScheduleGroup);
            var existing = await scheduler.GetTrigger(key, cancellationToken);
            if (existing is not null && existing.JobDataMap.GetString(SpecKey) == spec) continue;

            try
            {
                var job = JobBuilder.Create<WorkflowFireJob>()
                    .WithIdentity(id, JobGroup)
                    .StoreDurably()
                    .UsingJobData(WorkflowFireJob.WorkflowIdKey, id)
                    .Build();
                var built = Build(key, job.Key, trigger, spec);
                await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
                if (existing is null) await scheduler.ScheduleJob(built, ScheduleJobOptions.Replacing, cancellationToken);
                else await scheduler.RescheduleJob(key, built, cancellationToken);
                LogScheduled(logger, id, spec);
                changed++;
            }
            // One workflow's calendar that cannot be scheduled (a cron with no occurrence left, published before the
            // validator refused such crons) is that workflow's problem: the others are still scheduled, and the server starts.
            catch (CalendarEndedException ex)
            {
                LogUnschedulable(logger, ex, id, spec);
            }
        }

        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(ScheduleGroup), cancellationToken))
        {
            if (wanted.Contains(key.Name)) continue;
            await scheduler.UnscheduleJob(key, cancellationToken);
            LogUnscheduled(logger, key.Name);
            changed++;
        }
        return changed;
    }

    /// <summary>Stores the one-shot trigger that starts an interval's run once its delay has passed.</summary>
    public async Task ScheduleDueAsync(IScheduler scheduler, string workflowId, DataInterval interval, DateTimeOffset fireTime, CancellationToken cancellationToken)
    {
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{workflowId}@{interval.Start.UtcTicks}", DueGroup)
            .ForJob(new JobKey(workflowId, JobGroup))
            .UsingJobData(WorkflowFireJob.StageKey, WorkflowFireJob.DueStage)
            .UsingJobData(WorkflowFireJob.LogicalTimeKey, interval.Start.ToString("O", CultureInfo.InvariantCulture))
            .StartAt(fireTime > time.GetUtcNow() ? fireTime : time.GetUtcNow())
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
    }

    /// <summary>What the Quartz trigger depends on; a change means reschedule.</summary>
    public static string Spec(TriggerDefinition trigger) =>
        string.Join('|', trigger.Cron ?? "", trigger.Interval ?? "", trigger.FireAt, trigger.Delay ?? "", trigger.StartDate?.ToString("O", CultureInfo.InvariantCulture) ?? "");

    private ITrigger Build(TriggerKey key, JobKey job, TriggerDefinition trigger, string spec)
    {
        var builder = TriggerBuilder.Create()
            .WithIdentity(key)
            .ForJob(job)
            .UsingJobData(WorkflowFireJob.StageKey, WorkflowFireJob.TickStage)
            .UsingJobData(SpecKey, spec);
        // Start at the next occurrence, never "now": a trigger replaced mid-second (a reschedule, or two nodes
        // scheduling at once) must not fire an occurrence that has already fired.
        var schedule = WorkflowSchedule.From(trigger);
        var first = schedule.Next(time.GetUtcNow());
        if (trigger.StartDate is { } startDate && startDate > first) first = schedule.Floor(startDate) < startDate ? schedule.Next(startDate) : startDate;
        if (trigger.Cron is { } cron)
        {
            // Missed ticks are not fired late: the fire handler notices the gap and records or catches it up.
            return builder
                .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .StartAt(first)
                .Build();
        }

        return builder
            .WithSimpleSchedule(s => s.WithInterval(DefinitionJson.ParseDuration(trigger.Interval)!.Value).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .StartAt(first)
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled workflow {WorkflowId} ({Spec})")]
    private static partial void LogScheduled(ILogger logger, string workflowId, string spec);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {WorkflowId} cannot be scheduled ({Spec}); publish a version with a calendar that fires")]
    private static partial void LogUnschedulable(ILogger logger, Exception exception, string workflowId, string spec);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unscheduled workflow {WorkflowId}: it has no trigger any more")]
    private static partial void LogUnscheduled(ILogger logger, string workflowId);
}
