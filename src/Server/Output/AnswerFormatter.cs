using System.Globalization;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Activities.MasterData.Questions;

namespace BitsoWorkflows.Server.Output;

/// <summary>Renders an <see cref="AnswerResult"/> for the CLI and the API: an aligned text table or JSON.</summary>
public static class AnswerFormatter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>An answer's value: <see cref="ValueText.Exact"/>, with <c>none</c> for no value.</summary>
    public static string Text(object? value) => ValueText.Exact(value, "none");

    /// <summary>One line <c>name: value</c> for a scalar answer, else a table with a row count.</summary>
    public static string ToTable(AnswerResult result)
    {
        var title = result.Parameters.Count == 0 ? result.Question : $"{result.Question} ({string.Join(", ", result.Parameters.Select(p => $"{p.Key}={p.Value}"))})";
        if (result.Columns.Count == 1 && result.Rows.Count == 1)
            return $"{title}{Environment.NewLine}{result.Columns[0].Name}: {Text(result.Rows[0][0])}{Environment.NewLine}";

        var text = new StringBuilder().AppendLine(title);
        TextTable.Write(text, result.Columns.Select(c => c.Name).ToList(), result.Rows.Select(r => r.Select(Text).ToArray()).ToList(),
            result.Columns.Select(c => c.Kind is "integer" or "decimal").ToList());
        text.AppendLine(CultureInfo.InvariantCulture, $"({result.Rows.Count} row{(result.Rows.Count == 1 ? "" : "s")})");
        return text.ToString();
    }

    /// <summary>JSON with the question, parameters, columns, rows as objects and the row count; exact decimals stay strings.</summary>
    public static string ToJson(AnswerResult result)
    {
        var rows = result.Rows.Select(r => result.Columns.Select((c, i) => (c.Name, Value: r[i])).ToDictionary(x => x.Name, x => x.Value switch
        {
            DateTimeOffset time => (object?)Text(time),
            DateOnly date => Text(date),
            var other => other,
        }));
        return JsonSerializer.Serialize(new { question = result.Question, parameters = result.Parameters, columns = result.Columns, rows, count = result.Rows.Count }, Json);
    }
}
