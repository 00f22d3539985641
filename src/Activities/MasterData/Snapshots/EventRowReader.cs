using CsvHelper;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>The event snapshot: id, user, UTC time and the trimmed, lower-case event name (required).</summary>
internal sealed class EventRowReader() : SnapshotRowReader(SnapshotSource.Events)
{
    private int _id, _user, _name;
    private string _eventId = "", _userId = "", _eventName = "";

    public override string KeyColumn => "id";

    public override string StageColumns => "id VARCHAR, user_key INTEGER, occurred_at TIMESTAMP, event_name VARCHAR";

    protected override void Bind(Func<string, int> indexOf) => (_id, _user, _name) = (indexOf("id"), indexOf("user_id"), indexOf("event_name"));

    public override bool Read(CsvReader csv, List<string> reasons)
    {
        (_eventId, _userId) = ReadIdentity(csv, _id, _user, reasons);
        _eventName = Name(csv, _name);
        if (_eventName.Length == 0) reasons.Add("missing event_name");
        return reasons.Count == 0;
    }

    public override IDuckDBAppenderRow Append(IDuckDBAppenderRow row) =>
        row.AppendValue(_eventId).AppendValue(UserKey(_userId)).AppendValue(OccurredAt).AppendValue(_eventName);
}
