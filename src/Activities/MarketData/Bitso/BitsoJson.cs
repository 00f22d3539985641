using System.Globalization;
using System.Text.Json;

namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>
/// Reads Bitso's JSON defensively: prices and amounts are strings parsed as exact decimals, <c>sequence</c> may be a
/// string or a number, timestamps come with <c>+00:00</c> or <c>+0000</c>. Anything else is a <see cref="FormatException"/>.
/// </summary>
public static class BitsoJson
{
    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszz00", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzz00", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>Reads the <c>payload</c> of a REST <c>order_book</c> answer.</summary>
    public static OrderBookSnapshot ReadRestOrderBook(string book, JsonElement payload)
    {
        Require(payload, JsonValueKind.Object, "payload");
        var bids = ReadLevels(payload, "bids", "price", "amount");
        var asks = ReadLevels(payload, "asks", "price", "amount");
        DateTimeOffset? updatedAt = payload.TryGetProperty("updated_at", out var u) && u.ValueKind == JsonValueKind.String ? ParseTimestamp(u.GetString()!) : null;
        long? sequence = payload.TryGetProperty("sequence", out var s) ? ReadLong(s, "payload.sequence") : null;
        return new OrderBookSnapshot(book, bids, asks, updatedAt, sequence);
    }

    /// <summary>Reads an <c>orders</c> channel message (top 20 per side, one entry per order).</summary>
    public static OrderBookSnapshot ReadOrdersMessage(JsonElement message)
    {
        var book = message.TryGetProperty("book", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : throw new FormatException("orders message has no 'book'.");
        if (!message.TryGetProperty("payload", out var payload))
            throw new FormatException($"orders message of {book} has no 'payload'.");
        Require(payload, JsonValueKind.Object, "payload");
        DateTimeOffset? sent = message.TryGetProperty("sent", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        return new OrderBookSnapshot(book, ReadLevels(payload, "bids", "r", "a"), ReadLevels(payload, "asks", "r", "a"), sent, null);
    }

    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : throw new FormatException($"'{text}' is not a Bitso timestamp.");

    public static decimal ParseDecimal(string text, string where) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{where}: '{text}' is not a decimal number.");

    private static List<OrderBookLevel> ReadLevels(JsonElement payload, string side, string priceKey, string amountKey)
    {
        if (!payload.TryGetProperty(side, out var array))
            throw new FormatException($"payload has no '{side}'.");
        Require(array, JsonValueKind.Array, $"payload.{side}");
        var levels = new List<OrderBookLevel>(array.GetArrayLength());
        var i = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var where = $"payload.{side}[{i++}]";
            Require(entry, JsonValueKind.Object, where);
            levels.Add(new OrderBookLevel(ReadDecimal(entry, priceKey, where), ReadDecimal(entry, amountKey, where)));
        }
        return levels;
    }

    private static decimal ReadDecimal(JsonElement entry, string key, string where)
    {
        if (!entry.TryGetProperty(key, out var value))
            throw new FormatException($"{where} has no '{key}'.");
        return value.ValueKind switch
        {
            JsonValueKind.String => ParseDecimal(value.GetString()!, $"{where}.{key}"),
            JsonValueKind.Number when value.TryGetDecimal(out var d) => d,
            _ => throw new FormatException($"{where}.{key} is {value.ValueKind}, not a decimal."),
        };
    }

    private static long? ReadLong(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new FormatException($"{where} is not an integer: {value.GetRawText()}"),
    };

    private static void Require(JsonElement element, JsonValueKind kind, string where)
    {
        if (element.ValueKind != kind)
            throw new FormatException($"{where} is {element.ValueKind}, expected {kind}.");
    }
}
