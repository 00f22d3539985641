using System.Collections;
using System.Text.Json;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>The types a param, input or output can have, as named in definitions and the Studio.</summary>
public enum ValueKind
{
    Any,
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    DateTime,
    Duration,
}

public static class ValueKinds
{
    public static readonly IReadOnlyList<string> Names = ["string", "integer", "number", "boolean", "array", "object", "datetime", "duration"];

    public static string Name(this ValueKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out ValueKind kind) =>
        Enum.TryParse(name, ignoreCase: true, out kind) && kind != ValueKind.Any && Names.Contains(name);

    /// <summary>The kind of a CLR property type, as the Studio shows it.</summary>
    public static ValueKind Of(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return ValueKind.String;
        if (type == typeof(bool)) return ValueKind.Boolean;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return ValueKind.Integer;
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return ValueKind.Number;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return ValueKind.DateTime;
        if (type == typeof(TimeSpan)) return ValueKind.Duration;
        if (type == typeof(JsonElement) || type == typeof(object)) return ValueKind.Any;
        if (type.IsEnum) return ValueKind.String;
        if (type.IsArray || (typeof(IEnumerable).IsAssignableFrom(type) && !typeof(IDictionary).IsAssignableFrom(type))) return ValueKind.Array;
        return ValueKind.Object;
    }

    /// <summary>Whether a value of kind <paramref name="source"/> may flow into a slot of kind <paramref name="target"/>.</summary>
    public static bool IsAssignable(ValueKind source, ValueKind target) =>
        source == target || source == ValueKind.Any || target == ValueKind.Any
        || (source == ValueKind.Integer && target == ValueKind.Number)
        || (source is ValueKind.DateTime or ValueKind.Duration && target == ValueKind.String)
        || (source == ValueKind.String && target is ValueKind.DateTime or ValueKind.Duration);

    /// <summary>Whether a literal JSON value fits a kind (strings are checked for date and duration syntax).</summary>
    public static bool Matches(JsonElement value, ValueKind kind) => kind switch
    {
        ValueKind.Any => true,
        ValueKind.String => value.ValueKind == JsonValueKind.String,
        ValueKind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        // A number no activity input could take (1e400: not a decimal, and a double only as infinity) is not one.
        ValueKind.Number => value.ValueKind == JsonValueKind.Number && (value.TryGetDecimal(out _) || (value.TryGetDouble(out var d) && double.IsFinite(d))),
        ValueKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ValueKind.Array => value.ValueKind == JsonValueKind.Array,
        ValueKind.Object => value.ValueKind == JsonValueKind.Object,
        ValueKind.DateTime => value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out _),
        ValueKind.Duration => value.ValueKind == JsonValueKind.String && DefinitionJson.TryParseDuration(value.GetString()!, out _),
        _ => false,
    };
}
