namespace BitsoWorkflows.Engine.Tests.Support;

/// <summary>Builds small definition JSON for tests.</summary>
public static class Workflows
{
    public static string Json(string id, string activities, string edges = "", string extra = "") => $$"""
        {
          "id": "{{id}}",
          "name": "{{id}}",
          {{(extra.Length > 0 ? extra + "," : "")}}
          "activities": [ {{activities}} ],
          "edges": [ {{edges}} ]
        }
        """;

    public static string Edge(string from, string to) => $$"""{ "from": "{{from}}", "to": "{{to}}" }""";
}
