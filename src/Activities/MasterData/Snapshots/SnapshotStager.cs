using System.Text;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using CsvHelper;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Streams one snapshot CSV with CsvHelper, applies the row rules (trim and lower-case statuses, names and currencies;
/// parse timestamps as UTC; validate amounts exactly) and appends the rows of the window to <c>stg_&lt;source&gt;</c>
/// and the unparsable ones, with the reason and raw line, to <c>stg_rejects_&lt;source&gt;</c>.
/// Duplicates are resolved afterwards in SQL (see <see cref="SourceMerger"/>), where the whole window is visible.
/// Both are temporary tables of the load's connection: appending millions of rows to a table in the database file
/// would write each appended chunk through the WAL, and nobody else needs to see them.
/// </summary>
internal static class SnapshotStager
{
    public static string StageTable(SnapshotSource source) => "stg_" + SnapshotLayout.Name(source);

    public static string RejectTable(SnapshotSource source) => "stg_rejects_" + SnapshotLayout.Name(source);

    /// <summary>Stages rows whose event time is in [<paramref name="from"/>, <paramref name="to"/>); a null bound is open. Users have no time and are all staged.</summary>
    public static async Task<StageCounts> StageAsync(DuckDBConnection connection, SnapshotSource source, string path, DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE {StageTable(source)} ({StageColumns(source)});
            CREATE OR REPLACE TEMP TABLE {RejectTable(source)} (line_number BIGINT NOT NULL, reason VARCHAR NOT NULL, raw_line VARCHAR NOT NULL);
            """, cancellationToken);

        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            SkipEmptyLines = false,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = false,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            PoolStrings = true,
        };
        using var csv = CsvReader.Create(SnapshotReader.Open(path), options, leaveOpen: false);
        csv.ReadHeader();
        var header = csv.Headers.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        if (header.Count == 0 || header.All(h => h.Length == 0))
            throw new InvalidDataException($"Snapshot '{path}' is empty; expected a header with {string.Join(",", SnapshotLayout.Columns(source))}.");
        var required = SnapshotLayout.Columns(source);
        var missing = required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"Snapshot '{path}' lacks column(s) {string.Join(", ", missing)}; its header is '{string.Join(",", header)}'.");
        var index = required.ToDictionary(c => c, c => header.IndexOf(c));
        var timestampIndex = source == SnapshotSource.Users ? -1 : index["event_timestamp"];
        // Local dates this far outside the window cannot reach it whatever their offset (at most ±14 h).
        DateOnly? firstLocalDay = from is { } f ? DateOnly.FromDateTime(f).AddDays(-1) : null;
        DateOnly? lastLocalDay = to is { } t ? DateOnly.FromDateTime(t) : null;

        long read = 0, rejected = 0, outside = 0;
        using var rows = connection.CreateAppender(StageTable(source));
        using var rejects = connection.CreateAppender(RejectTable(source));
        var reasons = new List<string>(4);
        while (csv.Read())
        {
            if ((read & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            read++;
            if (timestampIndex >= 0 && csv.FieldCount > timestampIndex && LocalDay(csv.GetSpan(timestampIndex)) is { } localDay
                && (localDay < firstLocalDay || localDay > lastLocalDay))
            {
                // A cheap skip of rows far outside the window: their other fields are checked by the run whose window holds them.
                outside++;
                continue;
            }
            var raw = csv.RawRecord;
            if (raw.Length > 0 && raw[^1] == (byte)'\r') raw = raw[..^1];
            var hash = RawLineHash.Of(raw);
            long line = csv.LineNumber;
            reasons.Clear();
            if (raw.Length == 0)
                reasons.Add("blank line");
            else if (csv.FieldCount < header.Count)
                reasons.Add($"expected {header.Count} fields, found {csv.FieldCount}");

            if (reasons.Count == 0 && source == SnapshotSource.Users)
            {
                var user = Field(csv, index["user_id"]).Trim();
                if (user.Length == 0)
                {
                    reasons.Add("missing user_id");
                }
                else
                {
                    rows.CreateRow().AppendValue(line).AppendValue(hash).AppendValue(user).EndRow();
                    continue;
                }
            }

            if (reasons.Count == 0)
            {
                var id = Field(csv, index["id"]).Trim();
                var user = Field(csv, index["user_id"]).Trim();
                var timestamp = csv.GetSpan(timestampIndex);
                if (id.Length == 0) reasons.Add("missing id");
                if (user.Length == 0) reasons.Add("missing user_id");
                if (!SnapshotTimestamp.TryParse(timestamp, out var occurredAt)) reasons.Add($"bad event_timestamp '{Encoding.UTF8.GetString(timestamp).Trim()}'");

                if (source == SnapshotSource.Events)
                {
                    var name = Field(csv, index["event_name"]).Trim().ToLowerInvariant();
                    if (name.Length == 0) reasons.Add("missing event_name");
                    if (reasons.Count == 0)
                    {
                        if (!InWindow(occurredAt, from, to))
                        {
                            outside++;
                            continue;
                        }
                        rows.CreateRow().AppendValue(line).AppendValue(hash).AppendValue(id).AppendValue(user)
                            .AppendValue(occurredAt).AppendValue(name).EndRow();
                        continue;
                    }
                }
                else
                {
                    var amountReason = SnapshotAmount.Check(Field(csv, index["amount"]), out var amount, out var isNonPositive);
                    if (amountReason is not null) reasons.Add(amountReason);
                    var currency = Field(csv, index["currency"]).Trim().ToLowerInvariant();
                    if (currency.Length == 0) reasons.Add("missing currency");
                    var status = Field(csv, index["tx_status"]).Trim().ToLowerInvariant();
                    if (status.Length == 0) reasons.Add("missing tx_status");
                    string? channel = null;
                    if (source == SnapshotSource.Withdrawals)
                    {
                        channel = Field(csv, index["interface"]).Trim().ToLowerInvariant();
                        if (channel.Length == 0) channel = null;
                    }
                    if (reasons.Count == 0)
                    {
                        if (!InWindow(occurredAt, from, to))
                        {
                            outside++;
                            continue;
                        }
                        var exact = SnapshotAmount.TryExact(amount, out var value);
                        rows.CreateRow().AppendValue(line).AppendValue(hash).AppendValue(id).AppendValue(user)
                            .AppendValue(occurredAt).AppendValue(status).AppendValue(exact ? value : null).AppendValue(exact ? null : amount).AppendValue(currency).AppendValue(channel)
                            .AppendValue(isNonPositive).EndRow();
                        continue;
                    }
                }
            }

            rejects.CreateRow().AppendValue(line).AppendValue(string.Join("; ", reasons)).AppendValue(Encoding.UTF8.GetString(raw)).EndRow();
            rejected++;
        }
        rows.Close();
        rejects.Close();
        return new StageCounts(read, rejected, outside);
    }

    /// <summary>The calendar date a timestamp field starts with (its local date), or null when it does not start with one.</summary>
    private static DateOnly? LocalDay(ReadOnlySpan<byte> field)
    {
        field = field.TrimStart((byte)' ');
        if (field.Length < 10 || field[4] != '-' || field[7] != '-') return null;
        var year = 0;
        var month = 0;
        var day = 0;
        for (var i = 0; i < 10; i++)
        {
            if (i is 4 or 7) continue;
            var digit = field[i] - '0';
            if (digit is < 0 or > 9) return null;
            if (i < 4) year = year * 10 + digit;
            else if (i < 7) month = month * 10 + digit;
            else day = day * 10 + digit;
        }
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;
    }

    private static string Field(CsvReader csv, int index) => csv.GetString(index) ?? "";

    private static bool InWindow(DateTime occurredAt, DateTime? from, DateTime? to) =>
        (from is null || occurredAt >= from) && (to is null || occurredAt < to);

    /// <summary>The columns of <c>stg_&lt;source&gt;</c>, in order.</summary>
    public static IEnumerable<string> StageColumnNames(SnapshotSource source) =>
        StageColumns(source).Split(", ").Select(c => c.Split(' ')[0]);

    private static string StageColumns(SnapshotSource source) => source switch
    {
        SnapshotSource.Users => "line_number BIGINT, raw_hash BIGINT, user_id VARCHAR",
        SnapshotSource.Events => "line_number BIGINT, raw_hash BIGINT, id VARCHAR, user_id VARCHAR, occurred_at TIMESTAMP, event_name VARCHAR",
        _ => "line_number BIGINT, raw_hash BIGINT, id VARCHAR, user_id VARCHAR, occurred_at TIMESTAMP, status VARCHAR, amount DECIMAL(38,18), amount_text VARCHAR, currency VARCHAR, interface VARCHAR, non_positive BOOLEAN",
    };
}
