using CsvHelper;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>The user snapshot: one trimmed <c>user_id</c> a line; a blank id is rejected.</summary>
internal sealed class UserRowReader() : SnapshotRowReader(SnapshotSource.Users)
{
    private int _user;
    private string _userId = "";

    public override string KeyColumn => "user_id";

    public override string StageColumns => "user_id VARCHAR";

    protected override void Bind(Func<string, int> indexOf) => _user = indexOf("user_id");

    public override bool Read(CsvReader csv, List<string> reasons)
    {
        _userId = Field(csv, _user).Trim();
        if (_userId.Length > 0) return true;
        reasons.Add("missing user_id");
        return false;
    }

    public override IDuckDBAppenderRow Append(IDuckDBAppenderRow row) => row.AppendValue(_userId);
}
