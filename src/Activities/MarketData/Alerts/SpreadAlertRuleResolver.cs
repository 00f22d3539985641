namespace BitsoWorkflows.Activities.MarketData.Alerts;

/// <summary>Turns the activity's rule inputs into one effective rule per (book, threshold), collecting every input problem.</summary>
public static class SpreadAlertRuleResolver
{
    /// <exception cref="ArgumentException">Lists every bad input with its location.</exception>
    public static IReadOnlyList<SpreadAlertRule> Resolve(EvaluateSpreadAlertsInput input)
    {
        var problems = BookNames.Problems(input.Books, "books");
        CheckThresholds(input.Thresholds, "thresholds", problems);
        if (input.MinConsecutiveSeconds < 1)
            problems.Add($"Input 'minConsecutiveSeconds' is {input.MinConsecutiveSeconds}; it must be at least 1.");
        if (input.Cooldown < TimeSpan.Zero)
            problems.Add($"Input 'cooldown' is {input.Cooldown}; it must not be negative.");
        if (input.WebhookUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            problems.Add($"Input 'webhookUrl' is '{url}'; it must be an absolute http(s) URL.");

        for (var i = 0; i < input.Rules.Length; i++)
        {
            var rule = input.Rules[i];
            var where = $"rules[{i}]";
            if (!BookNames.IsValid(rule.Book))
                problems.Add($"Input '{where}.book' is '{rule.Book}': a book is lower-case major_minor, e.g. btc_mxn.");
            else if (!input.Books.Contains(rule.Book))
                problems.Add($"Input '{where}.book' is '{rule.Book}', which is not one of the evaluated books ({string.Join(", ", input.Books)}).");
            else if (input.Rules.Take(i).Any(r => r.Book == rule.Book))
                problems.Add($"Input '{where}.book' repeats '{rule.Book}'; give each book one rule entry.");
            if (rule.Thresholds is not null) CheckThresholds(rule.Thresholds, $"{where}.thresholds", problems);
            if (rule.MinConsecutiveSeconds < 1)
                problems.Add($"Input '{where}.minConsecutiveSeconds' is {rule.MinConsecutiveSeconds}; it must be at least 1.");
            if (rule.Cooldown < TimeSpan.Zero)
                problems.Add($"Input '{where}.cooldown' is {rule.Cooldown}; it must not be negative.");
        }
        if (problems.Count > 0)
            throw new ArgumentException(string.Join(Environment.NewLine, problems));

        var rules = new List<SpreadAlertRule>();
        foreach (var book in input.Books)
        {
            var overrides = input.Rules.FirstOrDefault(r => r.Book == book);
            foreach (var threshold in (overrides?.Thresholds ?? input.Thresholds).Distinct())
            {
                rules.Add(new SpreadAlertRule(book, threshold,
                    overrides?.MinConsecutiveSeconds ?? input.MinConsecutiveSeconds,
                    overrides?.Cooldown ?? input.Cooldown));
            }
        }
        return rules;
    }

    private static void CheckThresholds(decimal[]? thresholds, string where, List<string> problems)
    {
        if (thresholds is null) return;
        for (var i = 0; i < thresholds.Length; i++)
        {
            if (thresholds[i] is <= 0 or >= 100)
                problems.Add($"Input '{where}[{i}]' is {thresholds[i]}; a threshold is a percentage above 0 and below 100.");
        }
    }
}
