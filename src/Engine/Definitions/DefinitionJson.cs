using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>The one set of JSON options for definitions, inputs, outputs and params.</summary>
public static class DefinitionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Compact variant for storage.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static TimeSpan? ParseDuration(string? text) =>
        text is null ? null : TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParseDuration(string text, out TimeSpan value) =>
        TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
}
