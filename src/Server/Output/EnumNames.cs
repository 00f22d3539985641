namespace BitsoWorkflows.Server.Output;

/// <summary>
/// The one way the CLI and the API read and name enum values: by name (any case), never by number, only defined ones;
/// names are written in lower case.
/// </summary>
public static class EnumNames
{
    /// <summary>True for a defined value's name (<c>failed</c>, <c>Failed</c>); false for numbers (<c>1</c>), lists (<c>a,b</c>) and unknown names.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || !char.IsLetter(text.Trim()[0]) || text.Contains(',', StringComparison.Ordinal)) return false;
        return Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>Every name of <typeparamref name="T"/> in lower case, comma-separated, for messages.</summary>
    public static string List<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
}
