namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>One day (UTC, by logical time) of a workflow's runs in the calendar view.</summary>
public sealed record CalendarDay(DateOnly Day, int Runs, int Succeeded, int Failed, int Active, int Missed)
{
    /// <summary>The day's colour: <c>failed</c> if any run failed, else <c>missed</c> if any interval was missed, else <c>running</c>, else <c>succeeded</c>.</summary>
    public string Outcome => Failed > 0 ? "failed" : Missed > 0 ? "missed" : Active > 0 ? "running" : Succeeded > 0 ? "succeeded" : "none";
}
