namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>Small definitions built from the engine's built-in activities.</summary>
public static class SampleWorkflows
{
    public const string Hello = """
        {
          "id": "hello",
          "params": { "who": { "type": "string", "default": "world" } },
          "activities": [ { "id": "greet", "type": "Log", "inputs": { "message": "hello {{ params.who }}" } } ]
        }
        """;

    public const string Broken = """
        {
          "id": "broken",
          "activities": [ { "id": "fail", "type": "Fault", "inputs": { "message": "no data today" } } ]
        }
        """;

    public const string Daily = """
        {
          "id": "daily",
          "trigger": { "cron": "0 0 0 * * ?", "delay": "00:05:00" },
          "catchup": true,
          "activities": [ { "id": "log", "type": "Log", "inputs": { "message": "day {{ run.logicalTime }}" } } ]
        }
        """;

    public const string Invalid = """
        {
          "id": "invalid",
          "trigger": { "cron": "every second" },
          "activities": [
            { "id": "a", "type": "Nope" },
            { "id": "b", "type": "Log", "inputs": { "message": "{{ params.ghost }}" } }
          ],
          "edges": [ { "from": "a", "to": "zz" } ]
        }
        """;

    public static string HelloSaying(string greeting) => Hello.Replace("hello {{", greeting + " {{", StringComparison.Ordinal);
}
