using System.Globalization;
using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// The Run now form's values: one text per param (JSON for arrays and objects, plain text otherwise), turned back
/// into typed JSON values with an error per param that does not parse.
/// </summary>
public sealed class ParamInputs
{
    private readonly IReadOnlyDictionary<string, ParamDefinition> _params;

    public ParamInputs(IReadOnlyDictionary<string, ParamDefinition> parameters)
    {
        _params = parameters;
        foreach (var (name, param) in parameters)
            Texts[name] = param.Default is { } value ? ToText(value) : "";
    }

    public Dictionary<string, string> Texts { get; } = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, ParamDefinition>> Params => _params;

    /// <summary>Whether the param is edited as JSON text (arrays, objects) rather than as plain text.</summary>
    public static bool IsJson(ParamDefinition param) => param.Type is "array" or "object";

    /// <summary>The values as JSON, leaving out params left empty (so their defaults apply); errors name the param.</summary>
    public Dictionary<string, JsonElement> Build(out List<string> errors)
    {
        errors = [];
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, param) in _params)
        {
            var text = Texts.GetValueOrDefault(name)?.Trim() ?? "";
            if (text.Length == 0) continue;
            try
            {
                values[name] = param.Type switch
                {
                    "integer" => JsonSerializer.SerializeToElement(long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)),
                    "number" => JsonSerializer.SerializeToElement(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    "boolean" => JsonSerializer.SerializeToElement(bool.Parse(text)),
                    "array" or "object" => JsonDocument.Parse(text).RootElement.Clone(),
                    _ => JsonSerializer.SerializeToElement(text),
                };
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or JsonException)
            {
                errors.Add($"{name}: '{Shorten(text)}' is not a valid {param.Type}{(IsJson(param) ? " (write it as JSON)" : "")}");
            }
        }
        return values;
    }

    private static string ToText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        JsonValueKind.Number => value.GetRawText(),
        _ => JsonSerializer.Serialize(value, DefinitionJson.Compact),
    };

    private static string Shorten(string text) => text.Length > 40 ? text[..37] + "..." : text;
}
