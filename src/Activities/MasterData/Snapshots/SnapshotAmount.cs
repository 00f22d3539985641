namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// Validates amounts as plain decimal text that fits the warehouse's exact <c>DECIMAL(38,18)</c>, so the text can be
/// cast in SQL without rounding (a .NET decimal has only 28–29 significant digits, too few for 18 decimals).
/// </summary>
internal static class SnapshotAmount
{
    public const int Scale = 18;

    public const int MaxIntegerDigits = 38 - Scale;

    /// <summary>The reason the text is not a usable amount, or null when it is; <paramref name="normalized"/> is the trimmed text and whether it is ≤ 0.</summary>
    public static string? Check(ReadOnlySpan<char> text, out string normalized, out bool nonPositive)
    {
        normalized = "";
        nonPositive = false;
        text = text.Trim();
        if (text.IsEmpty) return "missing amount";
        var i = 0;
        var negative = false;
        if (text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            i = 1;
        }
        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var integerPart = text[integerStart..i];
        var fractionPart = ReadOnlySpan<char>.Empty;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            fractionPart = text[fractionStart..i];
        }
        if (i != text.Length || integerPart.IsEmpty)
            return $"non-numeric amount '{text.ToString()}'";
        var significant = integerPart.TrimStart('0');
        if (significant.Length > MaxIntegerDigits)
            return $"amount out of range '{text.ToString()}' (more than {MaxIntegerDigits} integer digits)";
        if (fractionPart.Length > Scale)
            return $"amount '{text.ToString()}' has more than {Scale} decimal places";
        var zero = significant.IsEmpty && !fractionPart.ContainsAnyExcept('0');
        nonPositive = zero || negative;
        normalized = text.ToString();
        return null;
    }

    /// <summary>
    /// The checked amount as a .NET decimal when that is exact (at most 28 significant digits, which covers real
    /// amounts); false for the rare wider one, which is then cast from its text in SQL (exact, but slow in bulk).
    /// </summary>
    public static bool TryExact(string normalized, out decimal value)
    {
        value = 0;
        var text = normalized.AsSpan().TrimStart("+-");
        var dot = text.IndexOf('.');
        var integerDigits = (dot < 0 ? text : text[..dot]).TrimStart('0').Length;
        var fractionDigits = dot < 0 ? 0 : text[(dot + 1)..].TrimEnd('0').Length;
        return integerDigits + fractionDigits <= 28
            && decimal.TryParse(normalized, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
