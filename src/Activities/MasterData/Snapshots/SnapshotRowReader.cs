using System.Text;
using CsvHelper;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Reads the rows of one snapshot source: which columns it needs (found by name in the header), how a record is
/// cleaned, why one is rejected, and the columns it stages. <see cref="SnapshotStager"/> drives it over the file.
/// </summary>
internal abstract class SnapshotRowReader(SnapshotSource source)
{
    private int _keyIndex = -1;
    private int _timestampIndex = -1;

    public SnapshotSource Source { get; } = source;

    /// <summary>The natural key column: <c>id</c>, or <c>user_id</c> for the user snapshot.</summary>
    public abstract string KeyColumn { get; }

    /// <summary>The typed columns staged after <c>line_number, raw_hash, in_window</c> (DDL), the key first.</summary>
    public abstract string StageColumns { get; }

    /// <summary>Whether rows carry an event time (all sources but users).</summary>
    public bool HasTime => _timestampIndex >= 0;

    /// <summary>
    /// The key of each user id staged so far: timed sources stage a user as a 4-byte key instead of its id (32
    /// characters in the real snapshots, 48 bytes a row in DuckDB), which took the staging of 5 million events from
    /// 565–578 to 400–430 MiB of DuckDB memory; <c>stg_users_&lt;source&gt;</c> maps the keys back. One entry per
    /// distinct user of the staged rows (about 100 bytes each).
    /// </summary>
    public IReadOnlyDictionary<string, int> UserKeys => _userKeys;

    private readonly Dictionary<string, int> _userKeys = new(StringComparer.Ordinal);

    /// <summary>The key of a user id, assigned in order of first appearance.</summary>
    protected int UserKey(string userId)
    {
        ref var key = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_userKeys, userId, out var exists);
        if (!exists) key = _userKeys.Count - 1;
        return key;
    }

    /// <summary>The event time of the record <see cref="Read"/> accepted last.</summary>
    public DateTime OccurredAt { get; protected set; }

    public static SnapshotRowReader For(SnapshotSource source) => source switch
    {
        SnapshotSource.Users => new UserRowReader(),
        SnapshotSource.Deposits or SnapshotSource.Withdrawals => new TransactionRowReader(source),
        SnapshotSource.Events => new EventRowReader(),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    /// <summary>Finds the columns in the header (trimmed, lower-case); fails naming the file and the missing ones.</summary>
    public void Bind(List<string> header, string path)
    {
        var required = SnapshotLayout.Columns(Source);
        if (header.Count == 0 || header.All(h => h.Length == 0))
            throw new InvalidDataException($"Snapshot '{path}' is empty; expected a header with {string.Join(",", required)}.");
        var missing = required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"Snapshot '{path}' lacks column(s) {string.Join(", ", missing)}; its header is '{string.Join(",", header)}'.");
        int IndexOf(string column) => required.Contains(column) ? header.IndexOf(column) : -1;
        _keyIndex = IndexOf(KeyColumn);
        _timestampIndex = IndexOf("event_timestamp");
        Bind(IndexOf);
    }

    /// <summary>Remembers the positions of the source's own columns.</summary>
    protected abstract void Bind(Func<string, int> indexOf);

    /// <summary>Cleans the record; false with the reasons added when it cannot be used. Field count is checked before.</summary>
    public abstract bool Read(CsvReader csv, List<string> reasons);

    /// <summary>Appends the fields of the record <see cref="Read"/> accepted, in <see cref="StageColumns"/> order.</summary>
    public abstract IDuckDBAppenderRow Append(IDuckDBAppenderRow row);

    /// <summary>A hash of the trimmed key field's bytes, for matching a record with earlier ones without a string.</summary>
    public long KeyHash(CsvReader csv) => csv.FieldCount > _keyIndex ? RawLineHash.Of(csv.GetSpan(_keyIndex).Trim(" \t"u8)) : 0;

    /// <summary>The raw event time field, or empty when the record has none.</summary>
    public ReadOnlySpan<byte> Timestamp(CsvReader csv) => _timestampIndex >= 0 && csv.FieldCount > _timestampIndex ? csv.GetSpan(_timestampIndex) : default;

    protected static string Field(CsvReader csv, int index) => csv.GetString(index) ?? "";

    /// <summary>Trimmed and lower-cased: statuses, names, currencies and interfaces.</summary>
    protected static string Name(CsvReader csv, int index) => Field(csv, index).Trim().ToLowerInvariant();

    /// <summary>Reads id, user_id and event_timestamp, the fields every timed source shares.</summary>
    protected (string Id, string User) ReadIdentity(CsvReader csv, int idIndex, int userIndex, List<string> reasons)
    {
        var id = Field(csv, idIndex).Trim();
        var user = Field(csv, userIndex).Trim();
        if (id.Length == 0) reasons.Add("missing id");
        if (user.Length == 0) reasons.Add("missing user_id");
        var timestamp = csv.GetSpan(_timestampIndex);
        if (SnapshotTimestamp.TryParse(timestamp, out var occurredAt)) OccurredAt = occurredAt;
        else reasons.Add($"bad event_timestamp '{Encoding.UTF8.GetString(timestamp).Trim()}'");
        return (id, user);
    }
}
