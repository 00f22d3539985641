using System.Globalization;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Counts one book's files and rows in one day's lake partition against the 144 windows a day has (from the files'
/// footers, not their rows). Read-only, so re-running it is harmless.
/// </summary>
[Activity("InspectLakeDay", Category = "Lake", Description = "Counts a book's files and ok rows in one day's lake partition against the 144 10-minute windows of a day.")]
public sealed class InspectLakeDay(LakeInventory catalog) : Activity<InspectLakeDayInput, InspectLakeDayOutput>
{
    public const int WindowsPerDay = 24 * 60 / 10;

    public override async Task<InspectLakeDayOutput> ExecuteAsync(ActivityContext<InspectLakeDayInput> context, CancellationToken cancellationToken)
    {
        LakeLayout.ValidateBook(context.Input.Book);
        var date = DateOnly.FromDateTime((context.Input.Date ?? context.DataInterval.Start).UtcDateTime);
        var partition = (await catalog.ListAsync(context.Input.Book, date, cancellationToken)).SingleOrDefault();
        var files = partition?.Files.Count ?? 0;
        var problems = partition?.Files.Count(f => f.Problem is not null) ?? 0;
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        context.Journal.Info($"{context.Input.Book} {day}: {files} of {WindowsPerDay} files, {partition?.RowsOk ?? 0} rows ok{(problems > 0 ? $", {problems} unreadable" : "")}");
        return new InspectLakeDayOutput
        {
            Book = context.Input.Book,
            Date = day,
            Files = files,
            MissingFiles = WindowsPerDay - files,
            UnreadableFiles = problems,
            Rows = partition?.Rows ?? 0,
            RowsOk = partition?.RowsOk ?? 0,
            Complete = files == WindowsPerDay && problems == 0,
        };
    }
}
