using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Persistence;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Server.Api.Contracts;

namespace BitsoWorkflows.Server.Services;

/// <summary>Workflows as people see them in listings (API, CLI, Studio): trigger, next fire, pause, last run.</summary>
public sealed class WorkflowOverview(WorkflowCatalog catalog, RunStore runs, TimeProvider time)
{
    public async Task<IReadOnlyList<WorkflowSummaryDto>> ListAsync(CancellationToken cancellationToken)
    {
        var result = new List<WorkflowSummaryDto>();
        foreach (var workflow in await catalog.ListPublishedAsync(cancellationToken))
            result.Add(await SummarizeAsync(workflow, cancellationToken));
        return result;
    }

    public async Task<WorkflowSummaryDto?> GetAsync(string workflowId, CancellationToken cancellationToken) =>
        await catalog.GetPublishedAsync(workflowId, cancellationToken) is { } workflow ? await SummarizeAsync(workflow, cancellationToken) : null;

    public static string DescribeTrigger(TriggerDefinition? trigger) => trigger switch
    {
        null => "manual",
        { Cron: { } cron } => $"cron {cron}" + Suffix(trigger),
        { Interval: { } interval } => $"every {interval}" + Suffix(trigger),
        { Assets: { } assets } => $"assets {string.Join(", ", assets)}",
        _ => "manual",
    };

    private async Task<WorkflowSummaryDto> SummarizeAsync(PublishedWorkflow workflow, CancellationToken cancellationToken)
    {
        var definition = workflow.Definition;
        var (next, ended) = definition.Schedule is { } trigger ? NextFire(trigger) : (null, false);
        var last = await runs.LatestAsync(definition.Id, cancellationToken);
        var described = DescribeTrigger(definition.Trigger) + (ended ? " — no occurrence left: publish a version with a calendar that fires" : "");
        return new WorkflowSummaryDto(definition.Id, definition.Name, definition.Description, workflow.Version, described,
            definition.Catchup, definition.MaxActiveRuns, workflow.State.IsPaused, workflow.State.IsPaused ? null : next, last is null ? null : RunDto.From(last), definition);
    }

    /// <summary>
    /// The next fire, or none and <c>Ended</c> for a stored calendar with no occurrence left (a cron published before year
    /// fields were refused): one such workflow must not break the list, and its trigger says so.
    /// </summary>
    private (DateTimeOffset? Next, bool Ended) NextFire(TriggerDefinition trigger)
    {
        try
        {
            return (WorkflowSchedule.From(trigger).NextFire(time.GetUtcNow()).FireTime, false);
        }
        catch (CalendarEndedException)
        {
            return (null, true);
        }
    }

    private static string Suffix(TriggerDefinition trigger) =>
        (trigger.FireAt == TriggerDefinition.FireAtIntervalStart ? ", fires at interval start" : "")
        + (trigger.Delay is { } delay ? $", delay {delay}" : "");
}
