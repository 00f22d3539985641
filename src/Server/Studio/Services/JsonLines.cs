using System.Text;
using System.Text.Json;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>Finds the line of a JSON path (<c>$.activities[1].type</c>) in JSON text, so the editor can say where an error is.</summary>
public static class JsonLines
{
    /// <summary>The 1-based line where the value at <paramref name="path"/> starts, or null when the text does not parse that far or has no such path.</summary>
    public static int? LineOf(string json, string path)
    {
        var target = Normalize(path);
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // One frame per open container: its path and, for arrays, the index of the next element.
        var frames = new Stack<(string Path, bool IsArray, int Next)>();
        string? pendingProperty = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    pendingProperty = reader.GetString();
                    continue;
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    frames.Pop();
                    continue;
                }

                var here = "$";
                if (frames.TryPop(out var parent))
                {
                    here = parent.IsArray ? $"{parent.Path}[{parent.Next}]" : $"{parent.Path}.{pendingProperty}";
                    frames.Push(parent.IsArray ? parent with { Next = parent.Next + 1 } : parent);
                }
                if (here == target) return LineAt(bytes, (int)reader.TokenStartIndex);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    frames.Push((here, reader.TokenType == JsonTokenType.StartArray, 0));
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }

    /// <summary>Paths as the validator writes them, also with bracketed names (<c>$['params']</c>), in dotted form.</summary>
    private static string Normalize(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path.Trim(), @"\['([^']*)'\]", ".$1");

    private static int LineAt(byte[] bytes, int offset)
    {
        var line = 1;
        for (var i = 0; i < offset && i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') line++;
        return line;
    }
}
