using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>Renders an <see cref="AnswerResult"/> for the CLI: an aligned text table or JSON.</summary>
public static class AnswerFormatter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Text(object? value) => value switch
    {
        null => "none",
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>One line <c>name: value</c> for a scalar answer, else a table with a row count.</summary>
    public static string ToTable(AnswerResult result)
    {
        var title = result.Parameters.Count == 0 ? result.Question : $"{result.Question} ({string.Join(", ", result.Parameters.Select(p => $"{p.Key}={p.Value}"))})";
        if (result.Columns.Count == 1 && result.Rows.Count == 1)
            return $"{title}{Environment.NewLine}{result.Columns[0].Name}: {Text(result.Rows[0][0])}{Environment.NewLine}";

        var cells = result.Rows.Select(r => r.Select(Text).ToArray()).ToList();
        var widths = result.Columns.Select((c, i) => Math.Max(c.Name.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder().AppendLine(title);
        text.AppendLine(string.Join("  ", result.Columns.Select((c, i) => c.Name.PadRight(widths[i]))).TrimEnd());
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
            text.AppendLine(string.Join("  ", row.Select((v, i) => result.Columns[i].Kind is "integer" or "decimal" ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd());
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
