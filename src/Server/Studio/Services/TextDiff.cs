namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>A line diff (longest common subsequence) between two versions of a definition, for the version history.</summary>
public static class TextDiff
{
    /// <summary>Lines no longer than this many on either side are diffed exactly; definitions are far smaller.</summary>
    public const int MaxLines = 5000;

    public static IReadOnlyList<DiffLine> Lines(string oldText, string newText)
    {
        var a = Split(oldText);
        var b = Split(newText);
        if (a.Length > MaxLines || b.Length > MaxLines)
            return [.. a.Select(l => new DiffLine(DiffKind.Removed, l)), .. b.Select(l => new DiffLine(DiffKind.Added, l))];

        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var result = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y]) { result.Add(new DiffLine(DiffKind.Same, a[x])); x++; y++; }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) result.Add(new DiffLine(DiffKind.Removed, a[x++]));
            else result.Add(new DiffLine(DiffKind.Added, b[y++]));
        }
        while (x < a.Length) result.Add(new DiffLine(DiffKind.Removed, a[x++]));
        while (y < b.Length) result.Add(new DiffLine(DiffKind.Added, b[y++]));
        return result;
    }

    /// <summary>
    /// The changed lines with <paramref name="context"/> unchanged lines around each change; a run of hidden lines
    /// becomes one <see cref="DiffKind.Gap"/> line saying how many.
    /// </summary>
    public static IReadOnlyList<DiffLine> Hunks(IReadOnlyList<DiffLine> lines, int context = 3)
    {
        var keep = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind == DiffKind.Same) continue;
            for (var j = Math.Max(0, i - context); j <= Math.Min(lines.Count - 1, i + context); j++) keep[j] = true;
        }
        var result = new List<DiffLine>();
        var hidden = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (keep[i])
            {
                if (hidden > 0) result.Add(new DiffLine(DiffKind.Gap, $"… {hidden} unchanged line(s)"));
                hidden = 0;
                result.Add(lines[i]);
            }
            else
            {
                hidden++;
            }
        }
        if (hidden > 0 && result.Count > 0) result.Add(new DiffLine(DiffKind.Gap, $"… {hidden} unchanged line(s)"));
        return result;
    }

    private static string[] Split(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
