namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>
/// A parameter a question takes: <see cref="Name"/> as in the SQL (<c>$date</c>), <see cref="Option"/> as on the
/// command line (<c>--date</c>), <see cref="Kind"/> <c>date</c>, <c>string</c> or <c>boolean</c>, for forms and validation.
/// </summary>
public sealed record QuestionParameter(string Name, string Option, string Kind, bool Required, string Description)
{
    /// <summary>Every parameter a question may declare in its <c>-- parameters:</c> header line.</summary>
    public static readonly IReadOnlyList<QuestionParameter> Known =
    [
        new("date", "--date", "date", true, "UTC day, yyyy-MM-dd."),
        new("user", "--user", "string", true, "User id."),
        new("from", "--from", "date", true, "First UTC day, yyyy-MM-dd (inclusive)."),
        new("to", "--to", "date", true, "Last UTC day, yyyy-MM-dd (inclusive)."),
        new("currency", "--currency", "string", true, "Currency code, e.g. mxn."),
        new("include_failed", "--include-failed", "boolean", false, "Count transactions of every status, not only complete ones."),
    ];
}
