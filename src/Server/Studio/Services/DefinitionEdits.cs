using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Execution;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// Edits the editor makes to definition JSON on the user's behalf: the palette's Insert, the graph's connect,
/// disconnect and remove, and the settings form (trigger rule, map, group, sensor, branch conditions). Each returns the edited JSON, or null when the JSON cannot be parsed as an object (the user
/// fixes the syntax first); what an edit makes invalid (a cycle, a reference to a removed activity) the validator says.
/// </summary>
public static class DefinitionEdits
{
    /// <summary>
    /// Appends an activity of the given type with its required inputs (empty strings, to fill in) and an edge from
    /// <paramref name="after"/>, or from the last activity when none is given; returns the JSON and the new id.
    /// </summary>
    public static string? AppendActivity(string json, ActivityDescriptor descriptor, string? after = null) =>
        AppendActivity(json, descriptor, after, out _);

    /// <inheritdoc cref="AppendActivity(string, ActivityDescriptor, string?)"/>
    public static string? AppendActivity(string json, ActivityDescriptor descriptor, string? after, out string? id)
    {
        id = null;
        if (Parse(json) is not { } root) return null;
        var activities = Array(root, "activities");
        var existing = activities.OfType<JsonObject>().Select(IdOf).Where(i => i is not null).ToHashSet(StringComparer.Ordinal);
        var stem = char.ToLowerInvariant(descriptor.Type[0]) + descriptor.Type[1..];
        id = stem;
        for (var n = 2; existing.Contains(id); n++) id = $"{stem}{n}";

        var inputs = new JsonObject();
        foreach (var input in descriptor.Inputs.Where(i => i.Required))
            inputs[input.Name] = "";
        var from = after ?? activities.OfType<JsonObject>().Select(IdOf).LastOrDefault(i => i is not null);
        activities.Add(new JsonObject { ["id"] = id, ["type"] = descriptor.Type, ["inputs"] = inputs });
        if (from is not null)
            Array(root, "edges").Add(Edge(from, id));
        return root.ToJsonString(DefinitionJson.Options);
    }

    /// <summary>Adds the edge <paramref name="from"/> → <paramref name="to"/> unless it is there already.</summary>
    public static string? Connect(string json, string from, string to)
    {
        if (Parse(json) is not { } root) return null;
        var edges = Array(root, "edges");
        if (!edges.OfType<JsonObject>().Any(e => Is(e, from, to)))
            edges.Add(Edge(from, to));
        return root.ToJsonString(DefinitionJson.Options);
    }

    /// <summary>Removes every edge <paramref name="from"/> → <paramref name="to"/>.</summary>
    public static string? Disconnect(string json, string from, string to)
    {
        if (Parse(json) is not { } root) return null;
        var edges = Array(root, "edges");
        foreach (var edge in edges.OfType<JsonObject>().Where(e => Is(e, from, to)).ToList())
            edges.Remove(edge);
        return root.ToJsonString(DefinitionJson.Options);
    }

    /// <summary>Removes an activity and every edge to or from it.</summary>
    public static string? RemoveActivity(string json, string id)
    {
        if (Parse(json) is not { } root) return null;
        var activities = Array(root, "activities");
        foreach (var activity in activities.OfType<JsonObject>().Where(a => IdOf(a) == id).ToList())
            activities.Remove(activity);
        var edges = Array(root, "edges");
        foreach (var edge in edges.OfType<JsonObject>().Where(e => Text(e["from"]) == id || Text(e["to"]) == id).ToList())
            edges.Remove(edge);
        return root.ToJsonString(DefinitionJson.Options);
    }

    /// <summary>
    /// Sets an activity's settings as the editor's form holds them: each one given is written, each one empty is
    /// removed from the JSON (the default then applies); <c>sensor</c> is written only with something in it. The
    /// <c>when</c> of each incoming edge (by its <c>from</c>) is set or removed likewise. Null when the JSON does not parse
    /// or has no such activity.
    /// </summary>
    public static string? ApplySettings(string json, string id, ActivitySettings settings)
    {
        if (Parse(json) is not { } root) return null;
        if (Array(root, "activities").OfType<JsonObject>().FirstOrDefault(a => IdOf(a) == id) is not { } activity) return null;
        Set(activity, "triggerRule", settings.TriggerRule is { } rule && rule != TriggerRule.AllSuccess ? TriggerRules.Name(rule) : null);
        Set(activity, "map", Blank(settings.Map));
        Set(activity, "maxParallel", settings.MaxParallel is { } n ? JsonValue.Create(n) : null);
        Set(activity, "group", Blank(settings.Group));
        var sensor = new JsonObject();
        if (Blank(settings.PokeInterval) is { } poke) sensor["pokeInterval"] = poke;
        if (Blank(settings.SensorTimeout) is { } timeout) sensor["timeout"] = timeout;
        if (settings.SoftFail) sensor["softFail"] = true;
        Set(activity, "sensor", sensor.Count > 0 ? sensor : null);
        foreach (var edge in Array(root, "edges").OfType<JsonObject>().Where(e => Text(e["to"]) == id))
            if (Text(edge["from"]) is { } from && settings.When.TryGetValue(from, out var when))
                Set(edge, "when", Blank(when));
        return root.ToJsonString(DefinitionJson.Options);
    }

    /// <summary>An activity's settings as the editor's form shows them (read from the parsed definition).</summary>
    public static ActivitySettings SettingsOf(WorkflowDefinition definition, string id)
    {
        var node = definition.Activities.FirstOrDefault(a => a.Id == id);
        return new ActivitySettings
        {
            TriggerRule = node?.TriggerRule ?? TriggerRule.AllSuccess,
            Map = node?.Map,
            MaxParallel = node?.MaxParallel,
            Group = node?.Group,
            PokeInterval = node?.Sensor?.PokeInterval,
            SensorTimeout = node?.Sensor?.Timeout,
            SoftFail = node?.Sensor?.SoftFail ?? false,
            When = definition.Edges.Where(e => e.To == id).GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.First().When, StringComparer.Ordinal),
        };
    }

    private static void Set(JsonObject target, string name, JsonNode? value)
    {
        if (value is null) target.Remove(name);
        else target[name] = value;
    }

    private static JsonValue? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : JsonValue.Create(text.Trim());

    private static JsonObject? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonArray Array(JsonObject root, string name)
    {
        if (root[name] is JsonArray array) return array;
        array = [];
        root[name] = array;
        return array;
    }

    private static JsonObject Edge(string from, string to) => new() { ["from"] = from, ["to"] = to };

    private static bool Is(JsonObject edge, string from, string to) => Text(edge["from"]) == from && Text(edge["to"]) == to;

    private static string? IdOf(JsonObject activity) => Text(activity["id"]);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
