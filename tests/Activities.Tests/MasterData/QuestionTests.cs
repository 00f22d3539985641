using BitsoWorkflows.Activities.MasterData.Questions;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class QuestionTests(QuestionFixture fixture) : IClassFixture<QuestionFixture>
{
    private static readonly DateOnly March1 = new(2024, 3, 1);
    private static readonly DateOnly March2 = new(2024, 3, 2);
    private static readonly DateOnly March3 = new(2024, 3, 3);
    private static readonly DateOnly March4 = new(2024, 3, 4);
    private static readonly DateOnly March5 = new(2024, 3, 5);

    private Task<AnswerResult> Answer(string question, AnswerArguments arguments) => fixture.Harness.AnswerAsync(question, arguments);

    [Fact]
    public async Task ActiveUsers_OnMarch1_CountsUsersWithACompleteDepositOrWithdrawal()
    {
        // Complete on March 1: deposits of u1 (d1, d2) and u2 (d3, d14), withdrawal of u3 (w1). u3's d4 and u4's w2 failed.
        Assert.Equal(3L, (await Answer("active-users", new AnswerArguments { Date = March1 })).Scalar);
        Assert.Equal(4L, (await Answer("active-users", new AnswerArguments { Date = March1, IncludeFailed = true })).Scalar);
    }

    [Fact]
    public async Task ActiveUsers_OnMarch3_UsesUtcDays()
    {
        // d10 (u9) at midnight, d12 (u3) at 22:30 −03 on March 2 = 01:30 UTC March 3, w3 (u4).
        Assert.Equal(3L, (await Answer("active-users", new AnswerArguments { Date = March3 })).Scalar);
        // March 2: only u1 made deposits (d5–d8); u2's d9 and d11 failed.
        Assert.Equal(1L, (await Answer("active-users", new AnswerArguments { Date = March2 })).Scalar);
        Assert.Equal(2L, (await Answer("active-users", new AnswerArguments { Date = March2, IncludeFailed = true })).Scalar);
    }

    [Fact]
    public async Task UsersWithoutDeposit_ListsUsersWithNoCompleteDeposit()
    {
        // u1, u2, u3 (d12) and u9 (d10) made deposits; u4 has none; u5 only a failed one.
        var made = await Answer("users-without-deposit", new AnswerArguments());
        Assert.Equal(["u4", "u5"], made.Rows.Select(r => (string)r[0]!));
        var any = await Answer("users-without-deposit", new AnswerArguments { IncludeFailed = true });
        Assert.Equal(["u4"], any.Rows.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task FrequentDepositors_CountsCompleteDepositsUpToTheEndOfTheDay()
    {
        // u1: d1, d2 on March 1 (2), then d5–d8 on March 2 (6 > 5).
        Assert.Empty((await Answer("frequent-depositors", new AnswerArguments { Date = March1 })).Rows);
        var march2 = await Answer("frequent-depositors", new AnswerArguments { Date = March2 });
        Assert.Equal("u1", Assert.Single(march2.Rows)[0]);
        Assert.Equal(6L, march2.Rows[0][1]);
        var march5 = await Answer("frequent-depositors", new AnswerArguments { Date = March5 });
        Assert.Equal("u1", Assert.Single(march5.Rows)[0]);
    }

    [Fact]
    public async Task LastLogin_ReturnsTheLatestLoginOrNone()
    {
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), (await Answer("last-login", new AnswerArguments { User = "u1" })).Scalar);
        // u2's later event e4 is a logout, not a login.
        Assert.Equal(new DateTimeOffset(2024, 3, 3, 9, 0, 0, TimeSpan.Zero), (await Answer("last-login", new AnswerArguments { User = "u2" })).Scalar);
        var none = await Answer("last-login", new AnswerArguments { User = "u4" });
        Assert.Null(none.Scalar);
        Assert.Equal(["last_login_at"], none.Columns.Select(c => c.Name));
        Assert.Null(Assert.Single(none.Rows)[0]); // One row without a value: the CLI and API print "last_login_at: none" (AnswerFormatterTests).
    }

    [Fact]
    public async Task LoginCount_CountsLoginsOnTheInclusiveDays()
    {
        Assert.Equal(2L, (await Answer("login-count", new AnswerArguments { User = "u1", From = March1, To = March2 })).Scalar);
        Assert.Equal(3L, (await Answer("login-count", new AnswerArguments { User = "u1", From = March1, To = March4 })).Scalar);
        Assert.Equal(0L, (await Answer("login-count", new AnswerArguments { User = "u1", From = March3, To = March3 })).Scalar);
    }

    [Fact]
    public async Task DepositCurrencies_CountsDistinctCurrenciesOfMadeDeposits()
    {
        // March 1: mxn (d1, d2), btc (d3, d14); the failed d4 is mxn too.
        Assert.Equal(2L, (await Answer("deposit-currencies", new AnswerArguments { Date = March1 })).Scalar);
        // March 2: mxn made (d5–d8); failed d9 in usd.
        Assert.Equal(1L, (await Answer("deposit-currencies", new AnswerArguments { Date = March2 })).Scalar);
        Assert.Equal(2L, (await Answer("deposit-currencies", new AnswerArguments { Date = March2, IncludeFailed = true })).Scalar);
    }

    [Fact]
    public async Task WithdrawalCurrencies_CountsDistinctCurrenciesOfMadeWithdrawals()
    {
        Assert.Equal(1L, (await Answer("withdrawal-currencies", new AnswerArguments { Date = March1 })).Scalar);
        Assert.Equal(2L, (await Answer("withdrawal-currencies", new AnswerArguments { Date = March1, IncludeFailed = true })).Scalar);
        Assert.Equal(1L, (await Answer("withdrawal-currencies", new AnswerArguments { Date = March3 })).Scalar);
    }

    [Fact]
    public async Task DepositTotal_SumsExactly()
    {
        // 100.50 + 200.25; with the failed d4, + 50.
        Assert.Equal("300.75", (await Answer("deposit-total", new AnswerArguments { Date = March1, Currency = "mxn" })).Scalar);
        Assert.Equal("350.75", (await Answer("deposit-total", new AnswerArguments { Date = March1, Currency = "mxn", IncludeFailed = true })).Scalar);
        // 0.123456789012345678 + 0.000000000000000002: beyond a double's precision.
        Assert.Equal("0.12345678901234568", (await Answer("deposit-total", new AnswerArguments { Date = March1, Currency = "btc" })).Scalar);
        Assert.Equal("100", (await Answer("deposit-total", new AnswerArguments { Date = March2, Currency = "mxn" })).Scalar);
        Assert.Equal("0", (await Answer("deposit-total", new AnswerArguments { Date = March2, Currency = "eth" })).Scalar);
    }

    [Fact]
    public async Task DepositTotal_IsExactDecimalText_InAColumnOfKindDecimal()
    {
        var answer = await Answer("deposit-total", new AnswerArguments { Date = March1, Currency = "btc" });
        Assert.Equal(("total", "decimal"), (answer.Columns[0].Name, answer.Columns[0].Kind));
        Assert.Equal("0.12345678901234568", Assert.Single(answer.Rows)[0]);
    }
}
