using CsvHelper;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Deposits and withdrawals: id, user, UTC time, an exact amount (flagged when ≤ 0), trimmed lower-case currency and
/// status (required), and for withdrawals the interface (blank means none).
/// </summary>
internal sealed class TransactionRowReader(SnapshotSource source) : SnapshotRowReader(source)
{
    private int _id, _user, _amount, _currency, _status, _interface = -1;
    private string _transactionId = "", _userId = "", _currencyCode = "", _txStatus = "";
    private string? _channel;
    private string _amountText = "";
    private bool _isNonPositive;

    public override string KeyColumn => "id";

    public override string StageColumns =>
        "id VARCHAR, user_key INTEGER, occurred_at TIMESTAMP, status VARCHAR, amount DECIMAL(38,18), amount_text VARCHAR, currency VARCHAR, interface VARCHAR, non_positive BOOLEAN";

    protected override void Bind(Func<string, int> indexOf)
    {
        (_id, _user, _amount, _currency, _status) = (indexOf("id"), indexOf("user_id"), indexOf("amount"), indexOf("currency"), indexOf("tx_status"));
        _interface = indexOf("interface");
    }

    public override bool Read(CsvReader csv, List<string> reasons)
    {
        (_transactionId, _userId) = ReadIdentity(csv, _id, _user, reasons);
        var amountReason = SnapshotAmount.Check(Field(csv, _amount), out _amountText, out _isNonPositive);
        if (amountReason is not null) reasons.Add(amountReason);
        _currencyCode = Name(csv, _currency);
        if (_currencyCode.Length == 0) reasons.Add("missing currency");
        _txStatus = Name(csv, _status);
        if (_txStatus.Length == 0) reasons.Add("missing tx_status");
        _channel = _interface >= 0 ? Name(csv, _interface) : null;
        if (_channel?.Length == 0) _channel = null;
        return reasons.Count == 0;
    }

    /// <summary>Amounts that fit a .NET decimal go as one; the rest as text, cast exactly by DuckDB.</summary>
    public override IDuckDBAppenderRow Append(IDuckDBAppenderRow row)
    {
        var exact = SnapshotAmount.TryExact(_amountText, out var value);
        return row.AppendValue(_transactionId).AppendValue(UserKey(_userId)).AppendValue(OccurredAt).AppendValue(_txStatus)
            .AppendValue(exact ? value : null).AppendValue(exact ? null : _amountText).AppendValue(_currencyCode).AppendValue(_channel)
            .AppendValue(_isNonPositive);
    }
}
