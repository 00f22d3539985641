namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>An <c>answer</c> call named an unknown question or gave bad parameters; <see cref="Errors"/> lists every problem.</summary>
public sealed class AnswerValidationException(IReadOnlyList<string> errors) : ArgumentException(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
