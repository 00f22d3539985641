using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using BitsoWorkflows.Activities.Lake;
using CsvHelper;

namespace BitsoWorkflows.Server.Output;

/// <summary>
/// Prints a <see cref="LakeQueryResult"/>: an aligned text table (NULL shown as <c>NULL</c>), RFC 4180 CSV with a header
/// (NULL as an empty field), or a JSON array of row objects (numbers as JSON numbers, timestamps as ISO-8601 strings).
/// </summary>
public static class LakeQueryResultFormatter
{
    /// <exception cref="ArgumentException">Not table, csv or json.</exception>
    public static LakeQueryOutputFormat ParseFormat(string format) => format.Trim().ToLowerInvariant() switch
    {
        "table" => LakeQueryOutputFormat.Table,
        "csv" => LakeQueryOutputFormat.Csv,
        "json" => LakeQueryOutputFormat.Json,
        _ => throw new ArgumentException($"format '{format}' is not known; use table, csv or json.", nameof(format)),
    };

    public static string Format(LakeQueryResult result, LakeQueryOutputFormat format)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(result, format, writer);
        return writer.ToString();
    }

    public static void Write(LakeQueryResult result, LakeQueryOutputFormat format, TextWriter writer)
    {
        switch (format)
        {
            case LakeQueryOutputFormat.Csv:
                WriteCsv(result, writer);
                break;
            case LakeQueryOutputFormat.Json:
                WriteJson(result, writer);
                break;
            default:
                WriteTable(result, writer);
                break;
        }
    }

    private static void WriteTable(LakeQueryResult result, TextWriter writer)
    {
        var text = new StringBuilder();
        TextTable.Write(text, result.Columns.Select(c => c.Name).ToList(), result.Rows.Select(row => row.Select(v => ValueText.Exact(v)).ToArray()).ToList(),
            result.Columns.Select((_, i) => result.Rows.All(r => r[i] is null || ValueText.IsNumber(r[i]))).ToList(), TextTable.Style.Grid);
        writer.Write(text.ToString().ReplaceLineEndings(writer.NewLine));
        writer.WriteLine(result.Truncated
            ? $"({result.Rows.Count} rows shown; more matched — narrow the query or raise {result.TruncatedBy ?? "Lake:MaxRows"})"
            : $"({result.Rows.Count} {(result.Rows.Count == 1 ? "row" : "rows")})");
    }

    private static void WriteCsv(LakeQueryResult result, TextWriter writer)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        foreach (var column in result.Columns)
            csv.WriteField(column.Name);
        csv.EndRecord();
        foreach (var row in result.Rows)
        {
            foreach (var value in row)
                csv.WriteField(value is null ? null : ValueText.Exact(value));
            csv.EndRecord();
        }
        csv.Flush();
    }

    private static void WriteJson(LakeQueryResult result, TextWriter writer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var row in result.Rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < row.Length; i++)
                {
                    json.WritePropertyName(result.Columns[i].Name);
                    WriteJsonValue(json, row[i]);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case decimal d:
                json.WriteNumberValue(d);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                json.WriteNumberValue(u);
                break;
            case BigInteger big:
                json.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            case IDictionary dictionary:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    json.WritePropertyName(entry.Key.ToString() ?? "");
                    WriteJsonValue(json, entry.Value);
                }
                json.WriteEndObject();
                break;
            case IEnumerable list and not string and not byte[]:
                json.WriteStartArray();
                foreach (var item in list)
                    WriteJsonValue(json, item);
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(ValueText.Exact(value));
                break;
        }
    }
}
