using BitsoWorkflows.Server.Output;

namespace BitsoWorkflows.Server.Cli;

/// <summary>
/// The parsed command line: positional words (verb, sub-verb, arguments) and <c>--name value</c> options.
/// Options may appear anywhere; repeated options (<c>--param</c>) keep every value; <c>--name=value</c> works too.
/// </summary>
public sealed class CliArguments
{
    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = ["demo", "detach", "open", "include-failed", "help", "list", "draft", "catchup", "downstream"];

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CliArguments(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        var result = new CliArguments(positionals);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=');
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (Flags.Contains(name))
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new CliUsageException($"option --{name} needs a value");
            }
            if (!result._options.TryGetValue(name, out var values)) result._options[name] = values = [];
            values.Add(value);
        }
        return result;
    }

    /// <summary>Options named like configuration keys (<c>--Store:Provider postgres</c>), for the host's configuration.</summary>
    public IReadOnlyDictionary<string, string?> ConfigurationSettings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in _options.Where(o => o.Key.Contains(':', StringComparison.Ordinal)))
        {
            _used.Add(name);
            settings[name] = values[^1];
        }
        return settings;
    }

    public string? Positional(int index) => index < Positionals.Count ? Positionals[index] : null;

    public string RequirePositional(int index, string what) =>
        Positional(index) ?? throw new CliUsageException($"missing {what}");

    public string? Option(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values[^1] : null;
    }

    public IReadOnlyList<string> Options(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    public bool Flag(string name) => Option(name) is { } value && value != "false";

    public int? IntOption(string name, int min = int.MinValue)
    {
        var text = Option(name);
        if (text is null) return null;
        if (!int.TryParse(text, out var value) || value < min)
            throw new CliUsageException($"--{name} must be an integer{(min > int.MinValue ? $" ≥ {min}" : "")}, got '{text}'");
        return value;
    }

    /// <summary>An ISO-8601 instant; a date alone means midnight UTC, and a time without offset is UTC.</summary>
    public DateTimeOffset? TimeOption(string name)
    {
        var text = Option(name);
        if (text is null) return null;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var value))
            throw new CliUsageException($"--{name} must be an ISO-8601 UTC time such as 2026-11-28T14:00:00Z, got '{text}'");
        return value;
    }

    public OutputFormat Format(params OutputFormat[] allowed)
    {
        var text = Option("format") ?? "table";
        if (!EnumNames.TryParse<OutputFormat>(text, out var format) || (allowed.Length > 0 && !allowed.Contains(format)))
            throw new CliUsageException($"--format must be one of {string.Join(", ", (allowed.Length > 0 ? allowed : Enum.GetValues<OutputFormat>()).Select(f => f.ToString().ToLowerInvariant()))}, got '{text}'");
        return format;
    }

    /// <summary>Fails on options the verb did not read, so a typo is an error rather than silently ignored.</summary>
    public void EnsureAllOptionsUsed()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new CliUsageException($"unknown option {string.Join(", ", unknown.Select(u => "--" + u))} for this verb");
    }
}

public enum OutputFormat
{
    Table,
    Json,
    Csv,
}
