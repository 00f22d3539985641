using System.Text;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// Splits SQL text into statements and finds each one's leading keyword, skipping comments and quoted text.
/// Used to name a refused statement in the error and to bound nesting; what a statement may do is decided on DuckDB's parse tree.
/// </summary>
internal static class SqlStatementScanner
{
    private static readonly HashSet<string> MainKeywords = new(StringComparer.Ordinal) { "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "FROM", "VALUES", "TABLE" };
    private static readonly HashSet<string> CreateModifiers = new(StringComparer.Ordinal) { "OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "PERSISTENT", "IF", "NOT", "EXISTS" };

    /// <summary>The statements of the text, without their separating semicolons; blank statements are dropped.</summary>
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var start = 0;
        foreach (var (kind, index, _) in Tokens(sql))
        {
            if (kind != TokenKind.Semicolon)
                continue;
            statements.Add(sql[start..index]);
            start = index + 1;
        }
        statements.Add(sql[start..]);
        return statements.Where(s => Tokens(s).Any()).ToList();
    }

    /// <summary>The deepest nesting of parentheses outside comments and quoted text (a cheap check before DuckDB's recursive parser sees the text).</summary>
    public static int MaxNesting(string sql)
    {
        int depth = 0, max = 0;
        foreach (var (kind, _, _) in Tokens(sql))
        {
            if (kind == TokenKind.Open)
                max = Math.Max(max, ++depth);
            else if (kind == TokenKind.Close)
                depth = Math.Max(0, depth - 1);
        }
        return max;
    }

    /// <summary>The first keyword of a statement (upper case), or null when it starts with something else (a parenthesis).</summary>
    public static string? LeadingKeyword(string statement)
    {
        foreach (var (kind, _, text) in Tokens(statement))
            return kind == TokenKind.Word ? text.ToUpperInvariant() : null;
        return null;
    }

    /// <summary>What a statement does, by its keywords: <c>INSERT</c>, <c>COPY … TO</c>, <c>CREATE TABLE</c>, the main verb after a WITH clause, ….</summary>
    public static string Describe(string statement)
    {
        var words = new List<(string Word, int Depth)>();
        var depth = 0;
        foreach (var (kind, _, text) in Tokens(statement))
        {
            if (kind == TokenKind.Open)
                depth++;
            else if (kind == TokenKind.Close)
                depth = Math.Max(0, depth - 1);
            else if (kind == TokenKind.Word)
                words.Add((text.ToUpperInvariant(), depth));
        }
        if (words.Count == 0)
            return "an empty statement";
        var first = words[0].Word;
        var topLevel = words.Where(w => w.Depth == 0).Select(w => w.Word).ToList();
        switch (first)
        {
            case "WITH":
                return topLevel.Skip(1).FirstOrDefault(MainKeywords.Contains) ?? "WITH";
            case "COPY":
                return topLevel.Contains("TO") ? "COPY … TO" : "COPY … FROM";
            case "EXPORT" or "IMPORT":
                return first + " DATABASE";
            case "FORCE" when topLevel.Count > 1:
                return $"FORCE {topLevel[1]}";
            case "CREATE" or "DROP" or "ALTER":
                var noun = topLevel.Skip(1).FirstOrDefault(w => !CreateModifiers.Contains(w));
                return noun is null ? first : $"{first} {noun}";
            default:
                return first;
        }
    }

    private enum TokenKind
    {
        Word,
        Open,
        Close,
        Semicolon,
        Other,
    }

    private static IEnumerable<(TokenKind Kind, int Index, string Text)> Tokens(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                    i++;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else if (c is '\'' or '"')
            {
                var start = i++;
                while (i < sql.Length)
                {
                    if (sql[i] == c && At(sql, i + 1) == c)
                        i += 2;
                    else if (sql[i++] == c)
                        break;
                }
                yield return (TokenKind.Other, start, sql[start..i]);
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
                yield return (TokenKind.Other, i, tag);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                var word = new StringBuilder();
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_'))
                    word.Append(sql[i++]);
                yield return (TokenKind.Word, start, word.ToString());
            }
            else
            {
                yield return (c switch { '(' => TokenKind.Open, ')' => TokenKind.Close, ';' => TokenKind.Semicolon, _ => TokenKind.Other }, i, c.ToString());
                i++;
            }
        }
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    /// <summary>The <c>$tag$</c> opening a dollar-quoted string at <paramref name="i"/>, or null.</summary>
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_'))
            j++;
        return j < sql.Length && sql[j] == '$' ? sql[i..(j + 1)] : null;
    }
}
