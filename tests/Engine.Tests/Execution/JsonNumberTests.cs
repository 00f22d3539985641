using System.Globalization;
using System.Numerics;
using System.Text.Json;
using BitsoWorkflows.Engine.Execution;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary>
/// The numbers an edge condition compares (params, activity outputs, literals) are JSON numbers of any size: written
/// in any of JSON's spellings of one value (<c>120</c>, <c>120.0</c>, <c>1.2e2</c>, <c>0.012E+4</c>), they must compare
/// as the values they are, beyond <see cref="decimal"/>'s range and precision too.
/// </summary>
public sealed class JsonNumberTests
{
    /// <summary>A value m × 10^e with up to 40 significant digits and e in ±60, exactly as a big integer scaled by 10^120.</summary>
    private static readonly Gen<(BigInteger Mantissa, int Exponent)> Value =
        Gen.Select(Gen.OneOf(Gen.Long.Select(l => new BigInteger(l)), Gen.Long.Array[1, 3].Select(parts => parts.Aggregate(BigInteger.Zero, (a, p) => a * ulong.MaxValue + p)), Gen.Int[-3, 3].Select(i => new BigInteger(i))),
            Gen.Int[-60, 60]);

    /// <summary>
    /// One of the JSON spellings of m × 10^e: the digits of m, padded with up to 3 zeros, with the point placed anywhere and
    /// an exponent making up for it (or none), or in scientific form with one digit before the point; e or E, with or without +.
    /// </summary>
    private static Gen<string> Spelling((BigInteger Mantissa, int Exponent) value) =>
        Gen.Select(Gen.Bool, Gen.Int[-20, 20], Gen.Int[0, 3], Gen.Bool).Select(choice =>
        {
            var (scientific, shift, zeros, upper) = choice;
            var sign = value.Mantissa.Sign < 0 ? "-" : "";
            var digits = BigInteger.Abs(value.Mantissa).ToString(CultureInfo.InvariantCulture) + new string('0', zeros);
            var exponent = value.Exponent - zeros; // the value is digits × 10^exponent
            var e = upper ? "E" : "e";
            if (!scientific) // digits × 10^(exponent + shift), times 10^-shift
                return sign + Point(digits, -(exponent + shift)) + (shift == 0 ? "" : $"{e}{(shift < 0 ? "+" : "")}{-shift}");
            var power = exponent + digits.Length - 1;
            return sign + Point(digits, digits.Length - 1) + $"{e}{(power >= 0 && upper ? "+" : "")}{power}";
        });

    /// <summary><paramref name="digits"/> with <paramref name="fraction"/> of them after the point (when negative, that many zeros appended).</summary>
    private static string Point(string digits, int fraction)
    {
        if (fraction <= 0)
        {
            var significant = digits.TrimStart('0');
            return significant.Length == 0 ? "0" : significant + new string('0', -fraction);
        }
        var padded = digits.PadLeft(fraction + 1, '0');
        var whole = padded[..^fraction].TrimStart('0');
        return (whole.Length == 0 ? "0" : whole) + "." + padded[^fraction..];
    }

    private static BigInteger Scaled((BigInteger Mantissa, int Exponent) value) => value.Mantissa * BigInteger.Pow(10, 120 + value.Exponent);

    private static JsonNumber Parse(string text) => JsonNumber.Of(JsonDocument.Parse(text).RootElement);

    [Fact]
    public void Compare_AnySpellingsOfTwoValues_OrdersThemAsTheValues()
    {
        Gen.Select(Value, Value).SelectMany(pair => Gen.Select(Spelling(pair.Item1), Spelling(pair.Item2), Gen.Const(pair)))
            .Sample((left, right, pair) =>
            {
                var expected = Scaled(pair.Item1).CompareTo(Scaled(pair.Item2));
                Assert.True(Math.Sign(expected) == JsonNumber.Compare(Parse(left), Parse(right)), $"{left} vs {right}: expected {expected}");
                Assert.Equal(pair.Item1.Mantissa.IsZero, Parse(left).IsZero);
            }, iter: 20_000);
    }

    [Fact]
    public void Compare_TwoSpellingsOfOneValue_AreEqual()
    {
        Value.SelectMany(value => Gen.Select(Spelling(value), Spelling(value)))
            .Sample((left, right) => Assert.True(JsonNumber.Compare(Parse(left), Parse(right)) == 0, $"{left} vs {right}"), iter: 20_000);
    }

    [Theory]
    [InlineData("1e300", "1e299", 1)]
    [InlineData("1e-300", "0", 1)]
    [InlineData("-1e-300", "0", -1)]
    [InlineData("-0.0", "0", 0)]
    [InlineData("79228162514264337593543950336", "79228162514264337593543950335", 1)]
    [InlineData("1e9999999999999999999999", "1e9999999999999999999998", 0)] // beyond ±2^62 every exponent is one
    [InlineData("1e9999999999999999999999", "9e4611686018427387000", 1)]
    [InlineData("0.000", "0e50", 0)]
    [InlineData("120", "1.2E+2", 0)]
    public void Compare_Extremes(string left, string right, int expected) =>
        Assert.Equal(expected, JsonNumber.Compare(Parse(left), Parse(right)));
}
