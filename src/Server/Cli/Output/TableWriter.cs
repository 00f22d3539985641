using System.Text;
using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Cli.Output;

/// <summary>Renders the CLI's listings as aligned plain-text tables (<see cref="TextTable"/>).</summary>
public static class TableWriter
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var cells = rows.Select(r => r.Select(Format).ToArray()).ToList();
        var text = new StringBuilder();
        TextTable.Write(text, headers, cells);
        if (cells.Count == 0) text.AppendLine("(no rows)");
        return text.ToString();
    }

    /// <summary>A cell of a listing: <see cref="ValueText.Brief"/>.</summary>
    public static string Format(object? value) => ValueText.Brief(value);
}
