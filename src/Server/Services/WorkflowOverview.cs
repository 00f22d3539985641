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
        DateTimeOffset? next = definition.Schedule is { } trigger && !workflow.State.IsPaused ? NextFire(trigger) : null;
        var last = await runs.LatestAsync(definition.Id, cancellationToken);
        return new WorkflowSummaryDto(definition.Id, definition.Name, definition.Description, workflow.Version, DescribeTrigger(definition.Trigger),
            definition.Catchup, definition.MaxActiveRuns, workflow.State.IsPaused, next, last is null ? null : RunDto.From(last), definition);
    }

    /// <summary>None for a stored calendar with no occurrence left (a cron published before year fields were refused): one such workflow must not break the list.</summary>
    private DateTimeOffset? NextFire(TriggerDefinition trigger)
    {
        try
        {
            return WorkflowSchedule.From(trigger).NextFire(time.GetUtcNow()).FireTime;
        }
        catch (CalendarEndedException)
        {
            return null;
        }
    }

    private static string Suffix(TriggerDefinition trigger) =>
        (trigger.FireAt == TriggerDefinition.FireAtIntervalStart ? ", fires at interval start" : "")
        + (trigger.Delay is { } delay ? $", delay {delay}" : "");
}
