using BitsoWorkflows.Engine.Execution;
using BitsoWorkflows.Server.Cli;
using BitsoWorkflows.Server.Output;
using CsCheck;

namespace BitsoWorkflows.Server.Tests.Output;

/// <summary>The one enum reader, value formatter, duration text and table renderer that the CLI, API and Studio share.</summary>
public sealed class OutputTests
{
    [Theory]
    [InlineData("failed", RunStatus.Failed)]
    [InlineData("FAILED", RunStatus.Failed)]
    [InlineData(" Succeeded ", RunStatus.Succeeded)]
    public void EnumNames_ReadsANameInAnyCase(string text, RunStatus expected)
    {
        Assert.True(EnumNames.TryParse<RunStatus>(text, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("0x1")]
    [InlineData("99")]
    [InlineData("failed,succeeded")]
    [InlineData("Failed, Succeeded")]
    [InlineData("fail")]
    [InlineData("failed\u0000")]
    [InlineData("ｆａｉｌｅｄ")]
    public void EnumNames_RefusesNumbersListsAndUnknownNames(string? text) =>
        Assert.False(EnumNames.TryParse<RunStatus>(text, out _));

    [Fact]
    public void EnumNames_WhateverTheText_AcceptsOnlyADefinedValueWhoseNameItIs() =>
        Gen.OneOf(Gen.String, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.Int[0, Enum.GetNames<TriggerKind>().Length - 1].Select(Gen.Int[0, 3], (k, i) => (Name: Enum.GetNames<TriggerKind>()[k], Form: i)).Select(x => x.Form switch
        {
            0 => x.Name.ToUpperInvariant(),
            1 => $" {x.Name}",
            2 => x.Name + ",Manual",
            _ => x.Name,
        })).Sample(text =>
        {
            if (EnumNames.TryParse<TriggerKind>(text, out var kind))
            {
                Assert.True(Enum.IsDefined(kind));
                Assert.Equal(kind.ToString(), text.Trim(), ignoreCase: true);
            }
        }, iter: 20_000);

    [Fact]
    public void CliFormat_IsReadByTheSameRules()
    {
        Assert.Equal(OutputFormat.Json, CliArguments.Parse(["x", "--format", "JSON"]).Format(OutputFormat.Table, OutputFormat.Json));
        var error = Assert.Throws<CliUsageException>(() => CliArguments.Parse(["x", "--format", "1"]).Format(OutputFormat.Table, OutputFormat.Json));
        Assert.Contains("--format must be one of table, json, got '1'", error.Message);
    }

    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(999.4, "999 ms")]
    [InlineData(1000, "1.0 s")]
    [InlineData(59_949, "59.9 s")]
    [InlineData(60_000, "1 min 0 s")]
    [InlineData(3_599_000, "59 min 59 s")]
    [InlineData(3_600_000, "1 h 0 min")]
    [InlineData(90_061_000, "25 h 1 min")]
    public void Duration_PicksTheUnitAtItsBoundaries(double milliseconds, string expected) =>
        Assert.Equal(expected, ValueText.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Exact_SpellsOutEveryKindOfValue()
    {
        Assert.Equal("NULL", ValueText.Exact(null));
        Assert.Equal("none", ValueText.Exact(null, "none"));
        Assert.Equal("2026-01-05T16:00:01.5Z", ValueText.Exact(new DateTimeOffset(2026, 1, 5, 10, 0, 1, 500, TimeSpan.FromHours(-6)).ToUniversalTime()));
        Assert.Equal("2026-01-05T16:00:01Z", ValueText.Exact(new DateTimeOffset(2026, 1, 5, 10, 0, 1, TimeSpan.FromHours(-6))));
        Assert.Equal("0.1", ValueText.Exact(0.1));
        Assert.Equal("true", ValueText.Exact(true));
        Assert.Equal("\\x00FF", ValueText.Exact(new byte[] { 0, 255 }));
        Assert.Equal("{a: [1, NULL]}", ValueText.Exact(new Dictionary<string, object?> { ["a"] = new object?[] { 1, null } }));
        Assert.Equal("", ValueText.Brief(null));
        Assert.Equal("2026-01-05 16:00:01", ValueText.Brief(new DateTimeOffset(2026, 1, 5, 10, 0, 1, 900, TimeSpan.FromHours(-6))));
    }

    [Fact]
    public void TextTable_AlignsColumnsWithoutTrailingSpaces()
    {
        var text = new System.Text.StringBuilder();
        TextTable.Write(text, ["name", "n", "note"], [["a", "10", ""], ["bbb", "7", "x y"]], [false, true, false]);

        Assert.Equal(string.Join(Environment.NewLine, "name  n   note", "----  --  ----", "a     10", "bbb    7  x y", ""), text.ToString());
    }

    [Fact]
    public void AQueryResultWithAMapColumn_PrintsInEveryFormat()
    {
        // DuckDB hands a MAP over as a generic dictionary; spelling it out once cast its pairs to DictionaryEntry and threw.
        var result = new BitsoWorkflows.Activities.Lake.LakeQueryResult([new("m", "MAP(INTEGER, VARCHAR)")], [[new Dictionary<int, string?> { [1] = "a", [2] = null }]], false);

        Assert.Contains("{1: a, 2: NULL}", LakeQueryResultFormatter.Format(result, BitsoWorkflows.Activities.Lake.LakeQueryOutputFormat.Table));
        Assert.Contains("\"{1: a, 2: NULL}\"", LakeQueryResultFormatter.Format(result, BitsoWorkflows.Activities.Lake.LakeQueryOutputFormat.Csv));
        Assert.Contains("\"1\": \"a\"", LakeQueryResultFormatter.Format(result, BitsoWorkflows.Activities.Lake.LakeQueryOutputFormat.Json));
        Assert.Equal("{1: a, 2: NULL}", BitsoWorkflows.Server.Studio.Services.StudioFormat.Cell(result.Rows[0][0]));
    }
}
