using System.Text.RegularExpressions;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>What an asset's name may be: lower-case words (letters, digits, <c>_ . -</c>) joined by single <c>/</c>.</summary>
public static partial class AssetNames
{
    public const int MaxLength = 200;

    public const string Rule = "lower-case words of letters, digits, '_', '.' and '-' joined by single '/', e.g. lake/spreads";

    /// <summary>True for a well-formed name; <c>\z</c>, not <c>$</c>, so a trailing newline does not pass.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
