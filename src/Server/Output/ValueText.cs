using System.Collections;
using System.Globalization;
using System.Numerics;

namespace BitsoWorkflows.Server.Output;

/// <summary>
/// The one way values become text for people, in the CLI, the API's text answers and the Studio: invariant culture,
/// every instant in UTC.
/// </summary>
public static class ValueText
{
    /// <summary>
    /// A value exactly as it is: timestamps in ISO-8601 (<c>Z</c> when they carry a zone) to the microsecond, doubles
    /// round-trip, lists and maps spelled out, bytes in hex; <paramref name="nullText"/> for null.
    /// </summary>
    public static string Exact(object? value, string nullText = "NULL") => value switch
    {
        null => nullText,
        string s => s,
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => "\\x" + Convert.ToHexString(bytes),
        IDictionary map => "{" + string.Join(", ", Entries(map).Select(e => $"{e.Key}: {Exact(e.Value, nullText)}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(v => Exact(v, nullText))) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A value in a listing (runs, backfills, keys): instants to the second as <c>yyyy-MM-dd HH:mm:ss</c>, null empty.</summary>
    public static string Brief(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A duration for people: <c>850 ms</c>, <c>12.3 s</c>, <c>4 min 5 s</c>, <c>2 h 10 min</c>.</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        < 60 => $"{span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
        < 3600 => $"{(int)span.TotalMinutes} min {span.Seconds} s",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };

    /// <summary>
    /// A map's entries through <see cref="IDictionary.GetEnumerator"/>: a generic dictionary (what DuckDB returns for a
    /// MAP) enumerates key-value pairs, not <see cref="DictionaryEntry"/>, through <see cref="IEnumerable"/>.
    /// </summary>
    private static IEnumerable<DictionaryEntry> Entries(IDictionary map)
    {
        var entries = map.GetEnumerator();
        while (entries.MoveNext()) yield return entries.Entry;
    }

    /// <summary>True for numbers, which tables align right.</summary>
    public static bool IsNumber(object? value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger or decimal or double or float;
}
