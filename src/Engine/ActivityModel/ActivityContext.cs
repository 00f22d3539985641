using System.Text.Json;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Engine.ActivityModel;

/// <summary>What an activity sees of the run it executes in.</summary>
public sealed class ActivityContext<TInput>(TInput input, RunInfo run, string activityId, int attempt, IRunJournal journal)
{
    /// <summary>The inputs, with every expression already evaluated.</summary>
    public TInput Input { get; } = input;

    public RunInfo Run { get; } = run;

    /// <summary>The activity's id within the definition; <c>activity[i]</c> for instance <c>i</c> of a mapped activity.</summary>
    public string ActivityId { get; } = activityId;

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>Lines written here are stored with the attempt and shown to users; diagnostic logs go to <c>ILogger</c>.</summary>
    public IRunJournal Journal { get; } = journal;

    public DateTimeOffset LogicalTime => Run.LogicalTime;

    public DataInterval DataInterval => Run.DataInterval;

    public IReadOnlyDictionary<string, JsonElement> Params => Run.Params;
}
