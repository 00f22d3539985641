namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>
/// The answer to a question: its columns and rows. Values are <see cref="long"/> (integer), <see cref="string"/>
/// (string, and exact decimals as text), <see cref="DateTimeOffset"/> in UTC (datetime), <see cref="DateOnly"/>
/// (date), <see cref="bool"/> or null.
/// </summary>
public sealed record AnswerResult(string Question, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<AnswerColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    /// <summary>The single value of a one-row, one-column answer (e.g. a count), or null for a list answer.</summary>
    public object? Scalar => Columns.Count == 1 && Rows.Count == 1 ? Rows[0][0] : null;
}
