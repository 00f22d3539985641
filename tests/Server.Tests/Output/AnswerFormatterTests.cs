using BitsoWorkflows.Activities.MasterData.Questions;
using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Tests.Output;

/// <summary>How answers print in the CLI and the API's text and JSON forms.</summary>
public sealed class AnswerFormatterTests
{
    private static readonly Dictionary<string, string> User = new() { ["user"] = "u4" };

    [Fact]
    public void ToTable_OfAScalarWithoutAValue_SaysNone() =>
        Assert.Equal($"last-login (user=u4){Environment.NewLine}last_login_at: none{Environment.NewLine}",
            AnswerFormatter.ToTable(new AnswerResult("last-login", User, [new AnswerColumn("last_login_at", "datetime")], [[null]])));

    [Fact]
    public void ToTable_OfRows_AlignsNumbersRightAndCountsTheRows()
    {
        var result = new AnswerResult("top", new Dictionary<string, string>(), [new AnswerColumn("user_id", "string"), new AnswerColumn("total", "decimal"), new AnswerColumn("at", "datetime")],
            [["u1", "1200.5", new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero)], ["u22", "7", null]]);

        Assert.Equal(string.Join(Environment.NewLine,
            "top",
            "user_id  total   at",
            "-------  ------  --------------------",
            "u1       1200.5  2024-03-01T08:00:00Z",
            "u22           7  none",
            "(2 rows)", ""), AnswerFormatter.ToTable(result));
    }

    [Fact]
    public void ToJson_KeepsExactDecimalsAsStrings_AndTimesAsIso8601()
    {
        var json = AnswerFormatter.ToJson(new AnswerResult("deposit-total", new Dictionary<string, string>(),
            [new AnswerColumn("total", "decimal"), new AnswerColumn("at", "datetime")], [["0.12345678901234568", new DateTimeOffset(2024, 3, 1, 8, 0, 0, 123, TimeSpan.Zero)]]));

        Assert.Contains("\"total\": \"0.12345678901234568\"", json);
        Assert.Contains("\"at\": \"2024-03-01T08:00:00.123Z\"", json);
        Assert.Contains("\"count\": 1", json);
    }
}
