using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.Scheduling;

/// <summary>What a backfill runs, validated: the intervals of the workflow's schedule starting in [from, to), oldest first.</summary>
public sealed record BackfillPlan(WorkflowDefinition Definition, IReadOnlyList<DataInterval> Intervals, int MaxParallel)
{
    public const int MaxParallelLimit = 32;
    public const int MaxIntervals = 100_000;

    /// <exception cref="RunRequestException">No schedule, an empty or reversed range, too many intervals, a parallelism out of range or bad params.</exception>
    public static BackfillPlan Create(WorkflowDefinition definition, DateTimeOffset from, DateTimeOffset to, int maxParallel, IReadOnlyDictionary<string, JsonElement>? parameters)
    {
        if (definition.Schedule is not { } trigger)
            throw new RunRequestException($"workflow '{definition.Id}' has no schedule, so it has no intervals to backfill; start one run with a logical time instead");
        if (from >= to) throw new RunRequestException($"from ({Utc(from)}) must be before to ({Utc(to)})");
        if (maxParallel is < 1 or > MaxParallelLimit) throw new RunRequestException($"max parallel must be between 1 and {MaxParallelLimit}, got {maxParallel}");
        ParamBinder.Bind(definition, parameters, out var errors);
        if (errors.Count > 0) throw new RunRequestException(string.Join("; ", errors));
        var intervals = WorkflowSchedule.From(trigger).IntervalsStartingIn(from, to).Take(MaxIntervals + 1).ToList();
        if (intervals.Count == 0) throw new RunRequestException($"no interval of {definition.Id}'s schedule starts in [{Utc(from)}, {Utc(to)})");
        if (intervals.Count > MaxIntervals) throw new RunRequestException($"the range holds more than {MaxIntervals} intervals; split the backfill");
        return new BackfillPlan(definition, intervals, maxParallel);
    }

    private static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
