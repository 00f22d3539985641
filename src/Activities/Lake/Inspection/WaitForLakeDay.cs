using System.Globalization;
using BitsoWorkflows.Engine.ActivityModel;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// A sensor on one book's day in the lake: ready when the day's partition holds <c>minFiles</c> window files (all 144
/// by default). The day is the run's data interval start unless <c>date</c> is given.
/// </summary>
[Activity("WaitForLakeDay", Category = "Sensors", Description = "Waits until a book's day partition in the lake holds minFiles window files (144 = the whole day).")]
public sealed class WaitForLakeDay(LakeLayout layout) : Sensor<WaitForLakeDayInput, WaitForLakeDayOutput>
{
    public override Task<SensorPoke<WaitForLakeDayOutput>> PokeAsync(ActivityContext<WaitForLakeDayInput> context, CancellationToken cancellationToken)
    {
        LakeLayout.ValidateBook(context.Input.Book);
        if (context.Input.MinFiles is < 1 or > InspectLakeDay.WindowsPerDay)
            throw new ArgumentException($"minFiles must be between 1 and {InspectLakeDay.WindowsPerDay} (it is {context.Input.MinFiles})");
        var date = DateOnly.FromDateTime((context.Input.Date ?? context.DataInterval.Start).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var folder = Path.Combine(layout.SpreadsRoot, $"book={context.Input.Book}", $"date={date}");
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Count(f => LakeLayout.TryParseFileName(f, out var book, out _, out _) && book == context.Input.Book)
            : 0;
        return Task.FromResult(files >= context.Input.MinFiles
            ? Ready(new WaitForLakeDayOutput { Book = context.Input.Book, Date = date, Files = files })
            : NotYet($"{context.Input.Book} {date}: {files} of {context.Input.MinFiles} window files"));
    }
}

public sealed class WaitForLakeDayInput
{
    [Input(Description = "The book, e.g. btc_mxn.", Required = true)]
    public string Book { get; init; } = "";

    [Input(Description = "The day (UTC); the run's data interval start when absent.")]
    public DateTimeOffset? Date { get; init; }

    [Input(Description = "How many of the day's 144 window files make it ready.")]
    public int MinFiles { get; init; } = InspectLakeDay.WindowsPerDay;
}

public sealed class WaitForLakeDayOutput
{
    [Output(Description = "The book.")]
    public string Book { get; init; } = "";

    [Output(Description = "The day, yyyy-MM-dd.")]
    public string Date { get; init; } = "";

    [Output(Description = "Window files in the partition when it became ready.")]
    public int Files { get; init; }
}
