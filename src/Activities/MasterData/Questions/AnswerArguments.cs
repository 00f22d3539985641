using System.Globalization;

namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>The parameters of an <c>answer</c> call; which ones a question needs is in its <see cref="QuestionDefinition"/>.</summary>
public sealed record AnswerArguments
{
    public DateOnly? Date { get; init; }

    public string? User { get; init; }

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public string? Currency { get; init; }

    public bool IncludeFailed { get; init; }

    /// <summary>
    /// Parses text values keyed by parameter name (<c>date</c>, <c>user</c>, <c>from</c>, <c>to</c>, <c>currency</c>,
    /// <c>include_failed</c>; a leading <c>--</c> and dashes are accepted), as the CLI and the REST API receive them.
    /// Every bad value is reported at once in an <see cref="AnswerValidationException"/>.
    /// </summary>
    public static AnswerArguments Parse(IReadOnlyDictionary<string, string?> values)
    {
        var errors = new List<string>();
        var arguments = new AnswerArguments();
        foreach (var (key, raw) in values)
        {
            var name = key.TrimStart('-').Replace('-', '_').ToLowerInvariant();
            var value = raw?.Trim();
            switch (name)
            {
                case "date": arguments = arguments with { Date = ParseDate("date", value, errors) }; break;
                case "from": arguments = arguments with { From = ParseDate("from", value, errors) }; break;
                case "to": arguments = arguments with { To = ParseDate("to", value, errors) }; break;
                case "user": arguments = arguments with { User = string.IsNullOrEmpty(value) ? null : value }; break;
                case "currency": arguments = arguments with { Currency = string.IsNullOrEmpty(value) ? null : value.ToLowerInvariant() }; break;
                case "include_failed":
                    if (string.IsNullOrEmpty(value) || bool.TryParse(value, out var flag) && flag) arguments = arguments with { IncludeFailed = true };
                    else if (!bool.TryParse(value, out _)) errors.Add($"include_failed takes true or false, not '{value}'.");
                    break;
                default: errors.Add($"Unknown parameter '{key}'; known: {string.Join(", ", QuestionParameter.Known.Select(p => p.Name))}."); break;
            }
        }
        if (errors.Count > 0) throw new AnswerValidationException(errors);
        return arguments;
    }

    internal bool Has(string parameter) => parameter switch
    {
        "date" => Date is not null,
        "user" => User is not null,
        "from" => From is not null,
        "to" => To is not null,
        "currency" => Currency is not null,
        "include_failed" => IncludeFailed,
        _ => false,
    };

    internal object Value(string parameter) => parameter switch
    {
        "date" => Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "user" => User!,
        "from" => From!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "to" => To!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "currency" => Currency!,
        "include_failed" => IncludeFailed,
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
    };

    private static DateOnly? ParseDate(string option, string? value, List<string> errors)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors.Add($"{option} must be a date as yyyy-MM-dd, not '{value}'.");
        return null;
    }
}
