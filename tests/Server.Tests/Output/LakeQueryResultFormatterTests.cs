using BitsoWorkflows.Activities.Lake;
using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Tests.Output;

public sealed class LakeQueryResultFormatterTests
{
    private static readonly LakeQueryResult Result = new(
        [new("book", "VARCHAR"), new("hour", "TIMESTAMP WITH TIME ZONE"), new("avg_spread_pct", "DECIMAL(18,4)"), new("note", "VARCHAR")],
        [
            ["btc_mxn", new DateTimeOffset(2024, 7, 26, 3, 0, 0, TimeSpan.Zero), 0.1957m, "a, \"quoted\" note"],
            ["usd_mxn", new DateTimeOffset(2024, 7, 26, 4, 0, 0, TimeSpan.Zero), 12.5m, null],
        ],
        false);

    [Fact]
    public void Format_Table_AlignsColumnsAndShowsNull()
    {
        var text = LakeQueryResultFormatter.Format(Result, LakeQueryOutputFormat.Table);

        Assert.Equal(
            """
            book    | hour                 | avg_spread_pct | note
            --------+----------------------+----------------+-----------------
            btc_mxn | 2024-07-26T03:00:00Z |         0.1957 | a, "quoted" note
            usd_mxn | 2024-07-26T04:00:00Z |           12.5 | NULL
            (2 rows)

            """.Replace("\r\n", "\n"),
            text);
    }

    [Fact]
    public void Format_Csv_QuotesWhereNeededAndLeavesNullEmpty()
    {
        var text = LakeQueryResultFormatter.Format(Result, LakeQueryOutputFormat.Csv);

        Assert.Equal("book,hour,avg_spread_pct,note\nbtc_mxn,2024-07-26T03:00:00Z,0.1957,\"a, \"\"quoted\"\" note\"\nusd_mxn,2024-07-26T04:00:00Z,12.5,\n", text);
    }

    [Fact]
    public void Format_Json_WritesRowObjectsWithNumbersAsNumbers()
    {
        var text = LakeQueryResultFormatter.Format(Result, LakeQueryOutputFormat.Json);

        using var document = System.Text.Json.JsonDocument.Parse(text);
        var first = document.RootElement[0];
        Assert.Equal(0.1957m, first.GetProperty("avg_spread_pct").GetDecimal());
        Assert.Equal("2024-07-26T03:00:00Z", first.GetProperty("hour").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, document.RootElement[1].GetProperty("note").ValueKind);
    }

    [Theory]
    [InlineData("TABLE", LakeQueryOutputFormat.Table)]
    [InlineData("csv", LakeQueryOutputFormat.Csv)]
    [InlineData(" json ", LakeQueryOutputFormat.Json)]
    public void ParseFormat_AcceptsTheThreeFormats(string text, LakeQueryOutputFormat expected) =>
        Assert.Equal(expected, LakeQueryResultFormatter.ParseFormat(text));

    [Fact]
    public void ParseFormat_WhenUnknown_NamesTheValue() =>
        Assert.Contains("'xml'", Assert.Throws<ArgumentException>(() => LakeQueryResultFormatter.ParseFormat("xml")).Message);
}
