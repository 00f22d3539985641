using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Execution;

/// <summary>
/// <c>--param name=value</c>, the Studio's run form and the API's text params go through <see cref="ParamBinder.BindText"/>:
/// over generated texts for params of every type, it never throws, and a value it binds has the param's type.
/// </summary>
public sealed class ParamBinderPropertyTests
{
    private static readonly string[] Pieces =
    [
        "0", "1", "-1", "1.5", "1e3", "1e400", "-1e400", "1e-400", "79228162514264337593543950336", "9223372036854775808", "NaN", "Infinity",
        "true", "false", "null", "\"", "\"x\"", "[", "]", "{", "}", ":", ",", "[1,2]", "{\"a\":1}", "btc_mxn", " ", "\t", "\n", "",
        "2026-11-30", "2026-11-30T12:00:00Z", "2026-13-45", "00:00:05", "30", "5:00", "1.00:00:00", "-00:00:01", "é", "\u0000", "\uFEFF",
    ];

    [Fact]
    public void BindText_AnyTextForAnyType_NeverThrowsAndBindsOnlyValuesOfTheType()
    {
        var definition = new WorkflowDefinition
        {
            Id = "w",
            Params = ValueKinds.Names.ToDictionary(name => name, name => new ParamDefinition { Type = name }),
        };
        Gen.Select(Gen.Int[0, ValueKinds.Names.Count - 1], Gen.Int[0, Pieces.Length - 1].Array[1, 4]).Sample((type, picks) =>
        {
            var name = ValueKinds.Names[type];
            var text = string.Concat(picks.Select(i => Pieces[i]));
            var bound = ParamBinder.BindText(definition, new Dictionary<string, string> { [name] = text }, out var errors);
            Assert.True(bound.Count + errors.Count == 1, $"{name} '{text}': {bound.Count} bound, errors {string.Join("; ", errors)}");
            if (bound.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null) // null clears a param of any type
            {
                Assert.True(ValueKinds.TryParse(name, out var kind) && ValueKinds.Matches(value, kind), $"{name} '{text}' bound as {value.GetRawText()}");
                if (kind == ValueKind.Number) Assert.True(value.TryGetDouble(out var number) && double.IsFinite(number), $"number '{text}' bound as {value.GetRawText()}");
            }
            else if (!bound.ContainsKey(name))
            {
                Assert.Contains(name, Assert.Single(errors));
            }
        }, iter: 20_000);
    }
}
