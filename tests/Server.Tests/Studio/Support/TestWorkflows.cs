namespace BitsoWorkflows.Server.Tests.Studio.Support;

/// <summary>Workflow files the Studio tests start with: built-in activities only, so runs need nothing outside.</summary>
public static class TestWorkflows
{
    public const string HelloId = "hello";

    public const string Hello = """
        {
          "id": "hello",
          "name": "Hello",
          "description": "Logs a greeting, waits a little and logs the alert threshold.",
          "trigger": { "interval": "01:00:00" },
          "maxActiveRuns": 4,
          "params": {
            "greeting": { "type": "string", "default": "hi", "description": "What to say." },
            "threshold": { "type": "number", "default": 0.5, "description": "Alert threshold in percent." }
          },
          "activities": [
            { "id": "say", "type": "Log", "inputs": { "message": "{{ params.greeting }} at {{ run.logicalTime }}" } },
            { "id": "wait", "type": "Delay", "inputs": { "duration": "00:00:00.200" } },
            { "id": "report", "type": "Log", "inputs": { "message": "threshold {{ params.threshold }}" } }
          ],
          "edges": [ { "from": "say", "to": "wait" }, { "from": "wait", "to": "report" } ]
        }
        """;

    public static readonly IReadOnlyDictionary<string, string> Default = new Dictionary<string, string> { ["hello.json"] = Hello };
}
