using System.Globalization;

namespace BitsoWorkflows.FakeBitso;

/// <summary>
/// Real 1 Hz captures (<c>orderbook_timestamp,book,bid,ask,spread</c>, with or without a header) loaded for replay,
/// one row per second per book in timestamp order.
/// </summary>
public sealed class ReplayCapture
{
    private readonly Dictionary<string, List<ReplayRow>> _rows = new(StringComparer.Ordinal);

    /// <summary>Loads every <c>*.csv</c> under <paramref name="folder"/> (or the one file it names).</summary>
    public static ReplayCapture Load(string folder)
    {
        var capture = new ReplayCapture();
        var files = File.Exists(folder) ? [folder] : Directory.GetFiles(folder, "*.csv", SearchOption.AllDirectories);
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line) || line.StartsWith("orderbook_timestamp", StringComparison.Ordinal)) continue;
                var cells = line.Split(',');
                if (cells.Length < 5)
                    throw new FormatException($"{file}:{lineNumber}: expected timestamp,book,bid,ask,spread, got '{line}'.");
                var row = new ReplayRow(DateTimeOffset.Parse(cells[0].Trim('\''), CultureInfo.InvariantCulture), cells[1], cells[2], cells[3], cells[4]);
                if (!capture._rows.TryGetValue(row.Book, out var list)) capture._rows[row.Book] = list = [];
                list.Add(row);
            }
        }
        foreach (var list in capture._rows.Values) list.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return capture;
    }

    public IReadOnlyCollection<string> Books => _rows.Keys;

    public IReadOnlyList<ReplayRow> Rows(string book) => _rows.TryGetValue(book, out var list) ? list : [];

    /// <summary>The row shown at <paramref name="index"/> seconds into the replay (wrapping around).</summary>
    public ReplayRow? At(string book, long index)
    {
        var rows = Rows(book);
        return rows.Count == 0 ? null : rows[(int)(index % rows.Count)];
    }
}
