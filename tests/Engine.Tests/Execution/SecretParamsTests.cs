using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Execution;

public sealed class SecretParamsTests
{
    private static readonly WorkflowDefinition Definition = new()
    {
        Id = "alerting",
        Params = new Dictionary<string, ParamDefinition>
        {
            ["webhookUrl"] = new() { Type = "string", Secret = true },
            ["who"] = new() { Type = "string" },
        },
    };

    [Fact]
    public void Scrub_OfAnyTextHoldingTheSecret_LeavesNoTraceOfIt()
    {
        var gen = from secret in Gen.String[Gen.Char["ab*\"\\/:é"], 4, 12]
                  from pieces in Gen.String[Gen.Char["ab*\"\\/:é "], 0, 8].Array[1, 5]
                  select (secret, text: string.Join(secret, pieces) + JsonEncodedText.Encode(secret).Value);

        gen.Sample(t =>
        {
            var scrubbed = SecretParams.Scrub(t.text, [t.secret])!;
            return !scrubbed.Contains(t.secret, StringComparison.Ordinal)
                && !scrubbed.Contains(JsonEncodedText.Encode(t.secret).Value, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Scrub_WhenMaskingJoinsPiecesIntoTheSecretAgain_MasksThatToo() =>
        Assert.Equal("***", SecretParams.Scrub("aa***", ["a***"]));

    [Fact]
    public void SplitThenReveal_GivesBackTheValues_WhileTheShownParamsHoldOnlyTheMask()
    {
        var protector = new ReversingProtector();
        var values = new Dictionary<string, JsonElement>
        {
            ["webhookUrl"] = JsonSerializer.SerializeToElement("https://hooks.example/T0/SECRET"),
            ["who"] = JsonSerializer.SerializeToElement("desk"),
        };

        var (shown, protectedParams) = SecretParams.Split(Definition, values, protector);
        var revealed = SecretParams.Reveal(shown, protectedParams, protector);

        Assert.DoesNotContain("SECRET", shown);
        Assert.DoesNotContain("SECRET", protectedParams);
        Assert.Contains("\"webhookUrl\":\"***\"", shown);
        Assert.Equal("https://hooks.example/T0/SECRET", revealed["webhookUrl"].GetString());
        Assert.Equal("desk", revealed["who"].GetString());
    }

    /// <summary>Stands in for the key ring: anything but the plain text.</summary>
    private sealed class ReversingProtector : IParamProtector
    {
        public string Protect(string plaintext) => new([.. plaintext.Reverse()]);

        public string Unprotect(string protectedText) => new([.. protectedText.Reverse()]);
    }
}
