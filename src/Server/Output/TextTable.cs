using System.Text;

namespace BitsoWorkflows.Server.Output;

/// <summary>The one renderer of aligned plain-text tables: a header, a rule, one line per row; no trailing spaces.</summary>
public static class TextTable
{
    /// <summary>How columns are separated: two spaces (listings) or a grid of <c>|</c> and <c>-+-</c> (query results, where cells may hold spaces).</summary>
    public enum Style
    {
        Plain,
        Grid,
    }

    /// <param name="rightAligned">Columns to pad on the left (numbers); none means all left-aligned.</param>
    public static void Write(StringBuilder text, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, IReadOnlyList<bool>? rightAligned = null, Style style = Style.Plain)
    {
        var (gap, rule) = style == Style.Grid ? (" | ", "-+-") : ("  ", "  ");
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        text.AppendLine(string.Join(gap, headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        text.AppendLine(string.Join(rule, widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            text.AppendLine(string.Join(gap, row.Select((v, i) => rightAligned?[i] == true ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd());
    }
}
