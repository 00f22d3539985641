using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>The one set of JSON options for definitions, inputs, outputs and params.</summary>
public static partial class DefinitionJson
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

    /// <summary>A duration the validator accepted (or stored before it was this strict), as written.</summary>
    public static TimeSpan? ParseDuration(string? text) =>
        text is null ? null : TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A non-negative duration written <c>hh:mm:ss</c>, optionally with days (<c>1.00:00:00</c>) and a fraction
    /// (<c>00:00:00.050</c>). Only that: .NET alone reads <c>30</c> as thirty days and <c>5:00</c> as five hours, where
    /// whoever wrote a timeout of "30" meant seconds.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        return DurationShape().IsMatch(text)
            && TimeSpan.TryParseExact(text, "c", System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([0-9]{1,8}\.)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?\z")]
    private static partial System.Text.RegularExpressions.Regex DurationShape();
}
