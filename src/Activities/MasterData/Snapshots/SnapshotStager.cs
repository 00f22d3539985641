using System.Text;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using CsvHelper;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Streams one snapshot CSV with CsvHelper through the source's <see cref="SnapshotRowReader"/> and appends the clean
/// rows of the run's window to <c>stg_&lt;source&gt;</c> and the unusable ones, with the reason and raw line, to
/// <c>stg_rejects_&lt;source&gt;</c>. A clean row outside the window is staged too (with <c>in_window = false</c>) when
/// its id already had a row in the window: it may supersede that row, and the last row of an id in the file wins
/// wherever its time lies (see <see cref="SourceMerger"/>). Both are temporary tables of the load's connection:
/// appending millions of rows to a table in the database file would write each appended chunk through the WAL.
/// </summary>
internal static class SnapshotStager
{
    public static string StageTable(SnapshotSource source) => "stg_" + SnapshotLayout.Name(source);

    public static string RejectTable(SnapshotSource source) => "stg_rejects_" + SnapshotLayout.Name(source);

    /// <summary>The user ids of a timed source's staged rows by key (<c>user_key INTEGER, user_id VARCHAR</c>).</summary>
    public static string UserTable(SnapshotSource source) => "stg_users_" + SnapshotLayout.Name(source);

    /// <summary>The columns of <c>stg_&lt;source&gt;</c>, in order.</summary>
    public static IEnumerable<string> StageColumnNames(SnapshotSource source) =>
        StageColumns(SnapshotRowReader.For(source)).Split(", ").Select(c => c.Split(' ')[0]);

    private static string StageColumns(SnapshotRowReader reader) => "line_number BIGINT, raw_hash BIGINT, in_window BOOLEAN, " + reader.StageColumns;

    /// <summary>Stages rows whose event time is in [<paramref name="from"/>, <paramref name="to"/>); a null bound is open. Users have no time and are all staged.</summary>
    public static async Task<StageCounts> StageAsync(DuckDBConnection connection, SnapshotSource source, string path, DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        var reader = SnapshotRowReader.For(source);
        await connection.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE {StageTable(source)} ({StageColumns(reader)});
            CREATE OR REPLACE TEMP TABLE {RejectTable(source)} (line_number BIGINT NOT NULL, reason VARCHAR NOT NULL, raw_line VARCHAR NOT NULL);
            CREATE OR REPLACE TEMP TABLE {UserTable(source)} (user_key INTEGER NOT NULL, user_id VARCHAR NOT NULL);
            """, cancellationToken);
        using var csv = CsvReader.Create(SnapshotReader.Open(path), Options, leaveOpen: false);
        csv.ReadHeader();
        var header = csv.Headers.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        reader.Bind(header, path);
        using var rows = connection.CreateAppender(StageTable(source));
        using var rejects = connection.CreateAppender(RejectTable(source));
        var counts = Stage(csv, header.Count, reader, new Window(from, to), new KeyFilter(KeyFilter.BitsFor(path)), rows, rejects, cancellationToken);
        rows.Close();
        rejects.Close();
        using var users = connection.CreateAppender(UserTable(source));
        foreach (var (userId, key) in reader.UserKeys)
            users.CreateRow().AppendValue(key).AppendValue(userId).EndRow();
        users.Close();
        return counts;
    }

    private static readonly CsvReaderOptions Options = new()
    {
        Separator = ',',
        HasHeader = true,
        SkipEmptyLines = false,
        TrackLineNumbers = true,
        AllowLineBreaksInQuotes = false,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        PoolStrings = true,
    };

    /// <param name="inWindowKeys">Fills with the keys of the rows staged in the window: a later row of one of them outside the window may supersede it.</param>
    private static StageCounts Stage(CsvReader csv, int fields, SnapshotRowReader reader, Window window, KeyFilter inWindowKeys, DuckDBAppender rows, DuckDBAppender rejects, CancellationToken cancellationToken)
    {
        long read = 0, rejected = 0, outside = 0;
        var reasons = new List<string>(4);
        while (csv.Read())
        {
            if ((read & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            read++;
            // A cheap skip of rows far outside the window: the run whose window holds them checks their other fields.
            var far = window.IsFarOutside(reader.Timestamp(csv));
            if (far && (inWindowKeys.IsEmpty || !inWindowKeys.Contains(reader.KeyHash(csv))))
            {
                outside++;
                continue;
            }
            var raw = csv.RawRecord;
            if (raw.Length > 0 && raw[^1] == (byte)'\r') raw = raw[..^1];
            reasons.Clear();
            if (raw.Length == 0) reasons.Add("blank line");
            else if (csv.FieldCount < fields) reasons.Add($"expected {fields} fields, found {csv.FieldCount}");
            else if (reader.Read(csv, reasons))
            {
                var inWindow = !reader.HasTime || window.Contains(reader.OccurredAt);
                if (inWindow || inWindowKeys.Contains(reader.KeyHash(csv)))
                {
                    reader.Append(rows.CreateRow().AppendValue(csv.LineNumber).AppendValue(RawLineHash.Of(raw)).AppendValue(inWindow)).EndRow();
                    if (inWindow && reader.HasTime) inWindowKeys.Add(reader.KeyHash(csv));
                }
                if (!inWindow) outside++;
                continue;
            }
            if (far)
            {
                outside++;
                continue;
            }
            rejects.CreateRow().AppendValue(csv.LineNumber).AppendValue(string.Join("; ", reasons)).AppendValue(Encoding.UTF8.GetString(raw)).EndRow();
            rejected++;
        }
        return new StageCounts(read, rejected, outside);
    }

    /// <summary>
    /// A one-bit-per-slot set of key hashes, sized by the file (16 slots per row it could hold, from 512 bytes up to
    /// 8 MiB): it may answer yes for a key it never saw, which only stages an extra row outside the window that the
    /// merge then ignores (no line of its id is in the window). Sized so that a small file's load does not allocate and
    /// clear 8 MiB per source, which cost a day-by-day backfill of small files more than its rows.
    /// </summary>
    private sealed class KeyFilter(int bits)
    {
        private const int MinBits = 12;
        private const int MaxBits = 26;
        private readonly ulong[] _words = new ulong[1 << (bits - 6)];

        /// <summary>Slots for the rows a file of this size could hold: a CSV row takes at least 16 bytes, a zip packs about ten times.</summary>
        public static int BitsFor(string path)
        {
            var bytes = new FileInfo(path).Length;
            var rows = (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? bytes * 10 : bytes) / 16 + 1;
            return Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)rows * 16), MinBits, MaxBits);
        }

        /// <summary>True until the first key is added: a file roughly in time order reaches the window at its end, so
        /// most rows before it skip hashing their id and probing the filter (a cache miss each in its 8 MiB).</summary>
        public bool IsEmpty { get; private set; } = true;

        public void Add(long hash)
        {
            IsEmpty = false;
            var slot = Slot(hash);
            _words[slot >> 6] |= 1UL << (int)(slot & 63);
        }

        public bool Contains(long hash)
        {
            var slot = Slot(hash);
            return (_words[slot >> 6] & (1UL << (int)(slot & 63))) != 0;
        }

        private ulong Slot(long hash) => unchecked((ulong)hash * 0x9E3779B97F4A7C15UL) >> (64 - bits);
    }

    /// <summary>A run's window [From, To) of event time; a null bound is open.</summary>
    private readonly record struct Window(DateTime? From, DateTime? To)
    {
        // Local dates this far outside the window cannot reach it whatever their offset (at most ±14 h).
        private DateOnly? FirstLocalDay { get; } = From is { } f ? DateOnly.FromDateTime(f).AddDays(-1) : null;

        private DateOnly? LastLocalDay { get; } = To is { } t ? DateOnly.FromDateTime(t) : null;

        public bool Contains(DateTime occurredAt) => (From is null || occurredAt >= From) && (To is null || occurredAt < To);

        /// <summary>True when the field starts with a calendar date that no offset brings into the window.</summary>
        public bool IsFarOutside(ReadOnlySpan<byte> timestamp) =>
            LocalDay(timestamp) is { } day && (day < FirstLocalDay || day > LastLocalDay);

        private static DateOnly? LocalDay(ReadOnlySpan<byte> field)
        {
            field = field.TrimStart((byte)' ');
            if (field.Length < 10 || field[4] != '-' || field[7] != '-') return null;
            int year = 0, month = 0, day = 0;
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
    }
}
