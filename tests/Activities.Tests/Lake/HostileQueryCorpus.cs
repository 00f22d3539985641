using System.Text;
using System.Text.RegularExpressions;

namespace BitsoWorkflows.Activities.Tests.Lake;

/// <summary>One line of <c>tests/corpora/hostile-queries.txt</c>: a statement and the outcome it must have.</summary>
internal sealed partial record HostileQuery(int Line, string Outcome, string Expected, string Sql)
{
    public static IReadOnlyList<HostileQuery> Load(string path, IReadOnlyDictionary<string, string> places)
    {
        var queries = new List<HostileQuery>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var bar = line.IndexOf(" | ", StringComparison.Ordinal);
            if (bar < 0)
                throw new FormatException($"{path}:{i + 1}: no ' | ' between the outcome and the SQL");
            var outcome = line[..bar].Trim();
            var space = outcome.IndexOf(' ');
            queries.Add(new HostileQuery(
                i + 1,
                space < 0 ? outcome : outcome[..space],
                space < 0 ? "" : outcome[(space + 1)..],
                Expand(line[(bar + 3)..], places)));
        }
        return queries;
    }

    public override string ToString() => $"line {Line}: {Outcome} {Expected} | {(Sql.Length > 160 ? Sql[..160] + "…" : Sql)}";

    private static string Expand(string sql, IReadOnlyDictionary<string, string> places)
    {
        foreach (var (name, value) in places)
            sql = sql.Replace("{" + name + "}", value, StringComparison.Ordinal);
        sql = Nest().Replace(sql, m =>
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var f = m.Groups[2].Value;
            return f switch
            {
                "(" => new string('(', n) + "1" + new string(')', n),
                _ => new StringBuilder().Insert(0, f + "(", n).Append('1').Append(')', n).ToString(),
            };
        });
        return Chars().Replace(sql, m => new string('x', int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"\{nest (\d+) ([^}]+)\}")]
    private static partial Regex Nest();

    [GeneratedRegex(@"\{chars (\d+)\}")]
    private static partial Regex Chars();
}
