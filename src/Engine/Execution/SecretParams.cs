using System.Text.Json;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Keeps the values of secret params out of everything people see: a run's params are stored with each secret as
/// <see cref="Mask"/>, and the real values beside them, encrypted by <see cref="IParamProtector"/>.
/// </summary>
public static class SecretParams
{
    public const string Mask = "***";

    /// <summary>The params as shown (secrets masked) and the protected secret values (null when there are none).</summary>
    public static (string ParamsJson, string? ProtectedParams) Split(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonElement> parameters, IParamProtector protector)
    {
        var shown = new Dictionary<string, JsonElement>(parameters, StringComparer.Ordinal);
        var secrets = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (!IsSecret(definition, name) || value.ValueKind == JsonValueKind.Null || value is { ValueKind: JsonValueKind.String } && value.GetString() == "") continue;
            secrets[name] = value;
            shown[name] = MaskElement;
        }
        return (JsonSerializer.Serialize(shown, DefinitionJson.Compact),
            secrets.Count == 0 ? null : protector.Protect(JsonSerializer.Serialize(secrets, DefinitionJson.Compact)));
    }

    /// <summary>The params with the secrets' real values, for running or retrying.</summary>
    public static Dictionary<string, JsonElement> Reveal(string paramsJson, string? protectedParams, IParamProtector protector)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(paramsJson, DefinitionJson.Options) ?? [];
        if (protectedParams is null) return values;
        var secrets = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(protector.Unprotect(protectedParams), DefinitionJson.Options) ?? [];
        foreach (var (name, value) in secrets) values[name] = value;
        return values;
    }

    /// <summary>The secret values as text (strings as they are, others as JSON), to scrub from journals and errors.</summary>
    public static IReadOnlyList<string> Values(WorkflowDefinition definition, IReadOnlyDictionary<string, JsonElement> parameters) =>
        parameters.Where(p => IsSecret(definition, p.Key) && p.Value.ValueKind != JsonValueKind.Null)
            .Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
            .Where(v => v.Length >= 4 && v != Mask)
            .ToList();

    /// <summary>Replaces every secret value in <paramref name="text"/> by <see cref="Mask"/>.</summary>
    public static string? Scrub(string? text, IReadOnlyList<string> secrets)
    {
        if (text is null || secrets.Count == 0) return text;
        foreach (var secret in secrets)
        {
            // Inside JSON (inputs, journals) the value may appear escaped. Replacing can join pieces into the secret
            // again ("a***" in "aa***"), so until none is left; each pass shortens the text, as secrets are longer than the mask.
            foreach (var form in new[] { secret, JsonEncodedText.Encode(secret).Value }.Distinct())
                while (text.Contains(form, StringComparison.Ordinal)) text = text.Replace(form, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    private static bool IsSecret(WorkflowDefinition definition, string name) => definition.Params.TryGetValue(name, out var param) && param.Secret;

    private static readonly JsonElement MaskElement = JsonSerializer.SerializeToElement(Mask);
}
