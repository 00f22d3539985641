using BitsoWorkflows.Activities.MasterData.Snapshots;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class SnapshotAmountTests
{
    [Theory]
    [InlineData("10.000000000000000000", false)]
    [InlineData(" 1000 ", false)]
    [InlineData("0.000000000000000001", false)]
    [InlineData("-5.5", true)]
    [InlineData("0", true)]
    [InlineData("0.000", true)]
    [InlineData("-0", true)]
    [InlineData("98765432109876543210.123456789012345678", false)]
    public void Check_WhenTheAmountFitsDecimal38x18_AcceptsItAndFlagsNonPositive(string text, bool nonPositive)
    {
        Assert.Null(SnapshotAmount.Check(text, out var normalized, out var flagged));
        Assert.Equal(text.Trim(), normalized);
        Assert.Equal(nonPositive, flagged);
    }

    [Theory]
    [InlineData("", "missing amount")]
    [InlineData("abc", "non-numeric amount 'abc'")]
    [InlineData("12,5", "non-numeric amount '12,5'")]
    [InlineData("1e5", "non-numeric amount '1e5'")]
    [InlineData(".5", "non-numeric amount '.5'")]
    [InlineData("123456789012345678901", "amount out of range '123456789012345678901' (more than 20 integer digits)")]
    [InlineData("1.1234567890123456789", "amount '1.1234567890123456789' has more than 18 decimal places")]
    public void Check_WhenTheAmountIsUnusable_SaysWhy(string text, string reason) =>
        Assert.Equal(reason, SnapshotAmount.Check(text, out _, out _));
}
