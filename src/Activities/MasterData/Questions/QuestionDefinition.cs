namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>One business question: its name, description, parameters and the SQL file that answers it.</summary>
public sealed record QuestionDefinition(string Name, string Description, IReadOnlyList<QuestionParameter> Parameters, IReadOnlySet<string> DecimalColumns, string Sql)
{
    /// <summary>
    /// Reads a query file whose header comments name it: <c>-- name:</c>, <c>-- description:</c>, <c>-- parameters:</c>
    /// (comma-separated, from <see cref="QuestionParameter.Known"/>) and optionally <c>-- decimal-columns:</c>.
    /// </summary>
    public static QuestionDefinition Parse(string resource, string sql)
    {
        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in sql.Split('\n').Select(l => l.Trim()).TakeWhile(l => l.StartsWith("--", StringComparison.Ordinal)))
        {
            var text = line[2..].Trim();
            var colon = text.IndexOf(':');
            if (colon > 0) header[text[..colon].Trim()] = text[(colon + 1)..].Trim();
        }
        if (!header.TryGetValue("name", out var name) || name.Length == 0)
            throw new InvalidDataException($"Query {resource} has no '-- name:' header line.");
        var parameters = new List<QuestionParameter>();
        foreach (var parameterName in Split(header.GetValueOrDefault("parameters")))
        {
            parameters.Add(QuestionParameter.Known.FirstOrDefault(p => p.Name == parameterName)
                ?? throw new InvalidDataException($"Query {resource} declares unknown parameter '{parameterName}'; known: {string.Join(", ", QuestionParameter.Known.Select(p => p.Name))}."));
        }
        return new QuestionDefinition(name, header.GetValueOrDefault("description") ?? "", parameters, Split(header.GetValueOrDefault("decimal-columns")).ToHashSet(), sql);
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
