using System.Text.Json;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Exact comparison of JSON numbers of any size and precision, from their text: <c>1e300</c>, <c>1e-300</c> and
/// <c>79228162514264337593543950336</c> are all numbers in JSON, and none fits a <see cref="decimal"/> (which throws
/// on the first and rounds the second to 0); a <see cref="double"/> would tell neither the last one from its neighbour.
/// </summary>
internal readonly struct JsonNumber
{
    /// <summary>The significant digits without leading or trailing zeros; empty for zero.</summary>
    private readonly string _digits;

    /// <summary>Where the first significant digit sits: the value is 0.<c>digits</c> × 10^<c>_magnitude</c>.</summary>
    private readonly long _magnitude;

    private readonly bool _negative;

    private JsonNumber(string digits, long magnitude, bool negative) => (_digits, _magnitude, _negative) = (digits, magnitude, negative);

    public bool IsZero => _digits.Length == 0;

    /// <summary>The number of a <see cref="JsonValueKind.Number"/> element (its text follows JSON's number grammar).</summary>
    public static JsonNumber Of(JsonElement element)
    {
        var text = element.GetRawText();
        var negative = text.StartsWith('-');
        var body = negative ? text[1..] : text;
        var e = body.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? body : body[..e];
        var exponent = e < 0 ? 0 : ParseExponent(body[(e + 1)..]);
        var dot = mantissa.IndexOf('.');
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var all = dot < 0 ? mantissa : whole + mantissa[(dot + 1)..];
        var leading = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        // 0.digits × 10^magnitude: the integer part's length places the point; leading zeros move the first digit right.
        var magnitude = digits.Length == 0 ? 0 : Saturating(exponent + whole.Length - leading);
        return new JsonNumber(digits, magnitude, negative && digits.Length > 0);
    }

    public static int Compare(JsonNumber left, JsonNumber right)
    {
        if (left._negative != right._negative) return left._negative ? -1 : 1;
        var sign = left._negative ? -1 : 1;
        if (left.IsZero || right.IsZero) return left.IsZero && right.IsZero ? 0 : left.IsZero ? -sign : sign;
        if (left._magnitude != right._magnitude) return left._magnitude < right._magnitude ? -sign : sign;
        // Same magnitude: the digits line up from the first; a missing digit is a zero, and neither ends in one.
        var common = Math.Min(left._digits.Length, right._digits.Length);
        var order = string.CompareOrdinal(left._digits, 0, right._digits, 0, common);
        if (order == 0) order = left._digits.Length.CompareTo(right._digits.Length);
        return Math.Sign(order) * sign;
    }

    /// <summary>An exponent of any length, held within ±2^62 (beyond, every such number is out of reach of any other anyway).</summary>
    private static long ParseExponent(string text)
    {
        var negative = text.StartsWith('-');
        long value = 0;
        foreach (var c in text.TrimStart('+', '-'))
            value = value > (1L << 62) / 10 ? 1L << 62 : Math.Min(value * 10 + (c - '0'), 1L << 62);
        return negative ? -value : value;
    }

    private static long Saturating(long value) => Math.Clamp(value, -(1L << 62), 1L << 62);
}
