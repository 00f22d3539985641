using BitsoWorkflows.Activities.MasterData.Questions;

namespace BitsoWorkflows.Activities.Tests.MasterData;

public sealed class AnswerServiceTests : IDisposable
{
    private readonly MasterDataHarness _harness = new();

    [Fact]
    public void Questions_ListsTheEightQuestionsWithTheirParameters()
    {
        var questions = _harness.Answers.Questions.ToDictionary(q => q.Name, q => q.Parameters.Select(p => p.Name).ToArray());

        Assert.Equal(
            ["active-users", "deposit-currencies", "deposit-total", "frequent-depositors", "last-login", "login-count", "users-without-deposit", "withdrawal-currencies"],
            questions.Keys);
        Assert.Equal(["date", "include_failed"], questions["active-users"]);
        Assert.Equal(["user", "from", "to"], questions["login-count"]);
        Assert.Equal(["date", "currency", "include_failed"], questions["deposit-total"]);
        Assert.All(_harness.Answers.Questions, q => Assert.False(string.IsNullOrWhiteSpace(q.Description)));
    }

    [Fact]
    public void Validate_WhenActiveUsersHasNoDate_SaysDateIsNeeded()
    {
        var error = Assert.Throws<AnswerValidationException>(() => _harness.Answers.Validate("active-users", new AnswerArguments()));

        Assert.Equal("active-users needs date (UTC day, yyyy-MM-dd.)", Assert.Single(error.Errors));
    }

    [Fact]
    public void Validate_WhenSeveralThingsAreWrong_ReportsThemAll()
    {
        var arguments = new AnswerArguments { From = new DateOnly(2024, 3, 5), To = new DateOnly(2024, 3, 1), Date = new DateOnly(2024, 3, 1) };

        var error = Assert.Throws<AnswerValidationException>(() => _harness.Answers.Validate("login-count", arguments));

        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.StartsWith("login-count needs user", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("login-count does not take date", StringComparison.Ordinal));
        Assert.Contains("from 2024-03-05 is after to 2024-03-01.", error.Errors);
    }

    [Fact]
    public void Validate_WhenTheQuestionIsUnknown_ListsTheQuestions()
    {
        var error = Assert.Throws<AnswerValidationException>(() => _harness.Answers.Validate("top-users", new AnswerArguments()));

        Assert.StartsWith("Unknown question 'top-users'; the questions are active-users, ", Assert.Single(error.Errors));
    }

    [Fact]
    public void Parse_WhenValuesComeFromTheCommandLine_ParsesThemAndCollectsErrors()
    {
        var parsed = AnswerArguments.Parse(new Dictionary<string, string?> { ["--date"] = "2024-03-01", ["--currency"] = " MXN ", ["--include-failed"] = null });
        Assert.Equal(new AnswerArguments { Date = new DateOnly(2024, 3, 1), Currency = "mxn", IncludeFailed = true }, parsed);

        var error = Assert.Throws<AnswerValidationException>(() => AnswerArguments.Parse(new Dictionary<string, string?> { ["date"] = "01/03/2024", ["limit"] = "5" }));
        Assert.Equal(2, error.Errors.Count);
        Assert.Contains("date must be a date as yyyy-MM-dd, not '01/03/2024'.", error.Errors);
    }

    [Fact]
    public async Task AnswerAsync_WhenTheWarehouseWasNeverLoaded_SaysToRunTheWorkflow()
    {
        var error = await Assert.ThrowsAsync<BitsoWorkflows.Activities.MasterData.Warehouse.WarehouseNotLoadedException>(() => _harness.AnswerAsync("active-users", new AnswerArguments { Date = new DateOnly(2024, 3, 1) }));

        Assert.Contains("run the master-data-daily workflow first", error.Message);
    }

    public void Dispose() => _harness.Dispose();
}
