using System.Globalization;
using System.Reflection;
using BitsoWorkflows.Activities.MasterData.Warehouse;
using DuckDB.NET.Data;

namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>
/// Answers the business questions from the warehouse: the SQL files of <c>queries/</c> (embedded in this assembly)
/// run with validated parameters. Used by the CLI's <c>answer</c> verb, the REST API and the Studio's forms.
/// </summary>
public sealed class AnswerService(WarehouseDatabase database)
{
    private static readonly Lazy<IReadOnlyDictionary<string, QuestionDefinition>> Definitions = new(LoadDefinitions);

    /// <summary>Every question with its parameters, in name order.</summary>
    public IReadOnlyList<QuestionDefinition> Questions => [.. Definitions.Value.Values.OrderBy(q => q.Name, StringComparer.Ordinal)];

    public QuestionDefinition? Find(string name) => Definitions.Value.GetValueOrDefault(name);

    /// <summary>Checks the call without running it; throws <see cref="AnswerValidationException"/> listing every problem.</summary>
    public QuestionDefinition Validate(string name, AnswerArguments arguments)
    {
        var question = Find(name)
            ?? throw new AnswerValidationException([$"Unknown question '{name}'; the questions are {string.Join(", ", Definitions.Value.Keys.Order(StringComparer.Ordinal))}."]);
        var errors = new List<string>();
        foreach (var parameter in question.Parameters.Where(p => p.Required && !arguments.Has(p.Name)))
            errors.Add($"{question.Name} needs {parameter.Name} ({parameter.Description})");
        foreach (var parameter in QuestionParameter.Known.Where(p => arguments.Has(p.Name) && question.Parameters.All(q => q.Name != p.Name)))
            errors.Add($"{question.Name} does not take {parameter.Name}; it takes {(question.Parameters.Count == 0 ? "no parameters" : string.Join(", ", question.Parameters.Select(p => p.Name)))}.");
        if (arguments is { From: { } from, To: { } to } && from > to)
            errors.Add($"from {from:yyyy-MM-dd} is after to {to:yyyy-MM-dd}.");
        if (errors.Count > 0) throw new AnswerValidationException(errors);
        return question;
    }

    public async Task<AnswerResult> AnswerAsync(string name, AnswerArguments arguments, CancellationToken cancellationToken)
    {
        var question = Validate(name, arguments);
        if (!database.Exists)
            throw new WarehouseNotLoadedException(database.Path);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = question.Sql;
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in question.Parameters)
        {
            var value = arguments.Value(parameter.Name);
            command.Parameters.Add(new DuckDBParameter(parameter.Name, value));
            shown[parameter.Name] = ParameterText(value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new List<AnswerColumn>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var columnName = reader.GetName(i);
            columns.Add(new AnswerColumn(columnName, question.DecimalColumns.Contains(columnName) ? "decimal" : Kind(reader.GetFieldType(i))));
        }
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i), columns[i].Kind);
            rows.Add(row);
        }
        return new AnswerResult(question.Name, shown, columns, rows);
    }

    private static string Kind(Type type) => type switch
    {
        _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(ulong) || type == typeof(uint) || type == typeof(System.Numerics.BigInteger) => "integer",
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "datetime",
        _ when type == typeof(DateOnly) => "date",
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(decimal) => "decimal",
        _ => "string",
    };

    private static object Normalize(object value, string kind) => (kind, value) switch
    {
        ("integer", System.Numerics.BigInteger big) => (long)big,
        ("integer", _) => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ("datetime", DateTime time) => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        ("decimal", string text) => TrimDecimal(text),
        ("decimal", decimal number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>Exact decimal text without insignificant trailing zeros: <c>12.500000000000000000</c> → <c>12.5</c>.</summary>
    private static string TrimDecimal(string text) =>
        text.Contains('.') ? text.TrimEnd('0').TrimEnd('.') : text;

    private static Dictionary<string, QuestionDefinition> LoadDefinitions()
    {
        var assembly = typeof(AnswerService).Assembly;
        var definitions = new Dictionary<string, QuestionDefinition>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("queries.", StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var definition = QuestionDefinition.Parse(resource, reader.ReadToEnd());
            if (!definitions.TryAdd(definition.Name, definition))
                throw new InvalidDataException($"Two query files are named '{definition.Name}'.");
        }
        return definitions;
    }

    /// <summary>A parameter's value as the answer names it (dates as <c>yyyy-MM-dd</c>, invariant numbers).</summary>
    private static string ParameterText(object? value) => value switch
    {
        null => "none",
        DateOnly date => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
