using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>Sums the inspections of several books' days (the list a mapped <see cref="InspectLakeDay"/> passes on).</summary>
[Activity("SummariseLakeDays", Category = "Lake", Description = "Sums several InspectLakeDay outputs: files, missing files, rows ok, and which books' days are incomplete.")]
public sealed class SummariseLakeDays : Activity<SummariseLakeDaysInput, SummariseLakeDaysOutput>
{
    public override Task<SummariseLakeDaysOutput> ExecuteAsync(ActivityContext<SummariseLakeDaysInput> context, CancellationToken cancellationToken)
    {
        var days = context.Input.Days;
        var incomplete = days.Where(d => !d.Complete).Select(d => d.Book).ToArray();
        var expected = days.Length * InspectLakeDay.WindowsPerDay;
        var summary = new SummariseLakeDaysOutput
        {
            Books = days.Length,
            Files = days.Sum(d => d.Files),
            MissingFiles = days.Sum(d => d.MissingFiles),
            RowsOk = days.Sum(d => d.RowsOk),
            Completeness = expected == 0 ? 0 : Math.Round((double)days.Sum(d => d.RowsOk) / (expected * SpreadWindow.Seconds), 4),
            IncompleteBooks = incomplete,
            Complete = incomplete.Length == 0,
        };
        context.Journal.Info($"{summary.Books} book(s): {summary.Files} files, {summary.MissingFiles} missing, {summary.Completeness:P2} of seconds ok; incomplete: {(incomplete.Length == 0 ? "none" : string.Join(", ", incomplete))}");
        return Task.FromResult(summary);
    }
}
