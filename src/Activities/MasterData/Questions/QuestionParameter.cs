namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>
/// A parameter a question takes: <see cref="Name"/> as in the SQL (<c>$date</c>), the API and the Studio's form (each
/// surface spells it its own way; the CLI turns <c>include_failed</c> into an option of its own), <see cref="Kind"/>
/// <c>date</c>, <c>string</c> or <c>boolean</c>, for forms and validation.
/// </summary>
public sealed record QuestionParameter(string Name, string Kind, bool Required, string Description)
{
    /// <summary>Every parameter a question may declare in its <c>-- parameters:</c> header line.</summary>
    public static readonly IReadOnlyList<QuestionParameter> Known =
    [
        new("date", "date", true, "UTC day, yyyy-MM-dd."),
        new("user", "string", true, "User id."),
        new("from", "date", true, "First UTC day, yyyy-MM-dd (inclusive)."),
        new("to", "date", true, "Last UTC day, yyyy-MM-dd (inclusive)."),
        new("currency", "string", true, "Currency code, e.g. mxn."),
        new("include_failed", "boolean", false, "Count transactions of every status, not only complete ones."),
    ];
}
