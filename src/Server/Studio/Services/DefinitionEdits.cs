using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.Activities;
using BitsoWorkflows.Engine.Definitions;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>Edits the editor makes to definition JSON on the user's behalf (the palette's Insert).</summary>
public static class DefinitionEdits
{
    /// <summary>
    /// Appends an activity of the given type with its required inputs (empty strings, to fill in) and an edge from
    /// the last activity; null when the JSON cannot be parsed as an object with an activities array.
    /// </summary>
    public static string? AppendActivity(string json, ActivityDescriptor descriptor)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (root is null) return null;
        var activities = root["activities"] as JsonArray ?? [];
        root["activities"] = activities;
        var existing = activities.OfType<JsonObject>().Select(a => a["id"]?.GetValue<string>()).Where(i => i is not null).ToHashSet(StringComparer.Ordinal);
        var stem = char.ToLowerInvariant(descriptor.Type[0]) + descriptor.Type[1..];
        var id = stem;
        for (var n = 2; existing.Contains(id); n++) id = $"{stem}{n}";

        var inputs = new JsonObject();
        foreach (var input in descriptor.Inputs.Where(i => i.Required))
            inputs[input.Name] = "";
        var last = activities.OfType<JsonObject>().LastOrDefault()?["id"]?.GetValue<string>();
        activities.Add(new JsonObject { ["id"] = id, ["type"] = descriptor.Type, ["inputs"] = inputs });
        if (last is not null)
        {
            var edges = root["edges"] as JsonArray ?? [];
            root["edges"] = edges;
            edges.Add(new JsonObject { ["from"] = last, ["to"] = id });
        }
        return root.ToJsonString(DefinitionJson.Options);
    }
}
