using System.Text.RegularExpressions;

namespace BitsoWorkflows.Activities.MarketData;

/// <summary>Checks book names given as activity inputs (<c>major_minor</c>, lower-case, e.g. <c>btc_mxn</c>).</summary>
public static partial class BookNames
{
    public static bool IsValid(string? book) => book is not null && Pattern().IsMatch(book);

    /// <summary>Every problem with a list of books, each naming its input and position.</summary>
    public static List<string> Problems(IReadOnlyList<string>? books, string input)
    {
        var problems = new List<string>();
        if (books is null || books.Count == 0)
        {
            problems.Add($"Input '{input}' must list at least one book, e.g. [\"btc_mxn\"].");
            return problems;
        }
        for (var i = 0; i < books.Count; i++)
        {
            if (!IsValid(books[i]))
                problems.Add($"Input '{input}[{i}]' is '{books[i]}': a book is lower-case major_minor, e.g. btc_mxn.");
            else if (books.Take(i).Contains(books[i]))
                problems.Add($"Input '{input}[{i}]' repeats '{books[i]}'.");
        }
        return problems;
    }

    [GeneratedRegex(@"^[a-z0-9]+_[a-z0-9]+\z")]
    private static partial Regex Pattern();
}
