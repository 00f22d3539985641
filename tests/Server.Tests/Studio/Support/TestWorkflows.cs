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

    public const string SlowId = "slow";

    /// <summary>A manual workflow that waits a minute, to have a run to cancel.</summary>
    public const string Slow = """
        {
          "id": "slow",
          "name": "Slow",
          "activities": [ { "id": "wait", "type": "Delay", "inputs": { "duration": "00:01:00" } } ],
          "edges": []
        }
        """;

    public const string EverySecondId = "every-second";

    /// <summary>A per-second workflow (nothing schedules it in these tests: runs are written straight to the store).</summary>
    public const string EverySecond = """
        {
          "id": "every-second",
          "name": "Every second",
          "trigger": { "cron": "* * * * * ?", "fireAt": "intervalStart" },
          "params": { "thresholds": { "type": "object", "default": { "btc_mxn": { "warning": 0.3, "critical": 0.8 } }, "description": "Spread thresholds in percent." } },
          "activities": [ { "id": "tick", "type": "Log", "inputs": { "message": "tick" } } ],
          "edges": []
        }
        """;

    public const string DailyId = "daily";

    /// <summary>A daily workflow to backfill: one run per UTC day, each logging its data interval.</summary>
    public const string Daily = """
        {
          "id": "daily",
          "name": "Daily",
          "trigger": { "cron": "0 0 0 * * ?" },
          "activities": [ { "id": "report", "type": "Log", "inputs": { "message": "day {{ run.dataIntervalStart }} to {{ run.dataIntervalEnd }}" } } ],
          "edges": []
        }
        """;

    public const string NightlyId = "nightly";

    /// <summary>A daily workflow with catch-up, to resume after a pause.</summary>
    public const string Nightly = """
        {
          "id": "nightly",
          "name": "Nightly",
          "trigger": { "cron": "0 0 0 * * ?" },
          "catchup": true,
          "activities": [ { "id": "report", "type": "Log", "inputs": { "message": "night of {{ run.logicalTime }}" } } ],
          "edges": []
        }
        """;

    public const string BranchesId = "branches";

    /// <summary>A manual workflow with a mapped activity, a branch on a param and a none_failed join.</summary>
    public const string Branches = """
        {
          "id": "branches",
          "name": "Branches",
          "params": {
            "items": { "type": "array", "default": ["a", "b", "c"] },
            "side": { "type": "string", "default": "left" }
          },
          "activities": [
            { "id": "each", "type": "Log", "group": "fan-out", "map": "{{ params.items }}", "maxParallel": 2, "inputs": { "message": "item {{ item }} #{{ mapIndex }}" } },
            { "id": "left", "type": "Log", "group": "sides", "inputs": { "message": "left after {{ outputs.each.message }}" } },
            { "id": "right", "type": "Log", "group": "sides", "inputs": { "message": "right" } },
            { "id": "join", "type": "Log", "triggerRule": "none_failed", "inputs": { "message": "joined" } }
          ],
          "edges": [
            { "from": "each", "to": "left", "when": "{{ params.side }} == \"left\"" },
            { "from": "each", "to": "right", "when": "{{ params.side }} != \"left\"" },
            { "from": "left", "to": "join" }, { "from": "right", "to": "join" }
          ]
        }
        """;

    public const string ParentId = "parent";

    /// <summary>A manual workflow that runs <see cref="Branches"/> as a sub-workflow and logs what it returned.</summary>
    public const string Parent = """
        {
          "id": "parent",
          "name": "Parent",
          "activities": [
            { "id": "call", "type": "ExecuteWorkflow", "inputs": { "workflowId": "branches", "params": { "side": "right" } } },
            { "id": "after", "type": "Log", "inputs": { "message": "child {{ outputs.call.runId }} said {{ outputs.call.outputs.join.message }}" } }
          ],
          "edges": [ { "from": "call", "to": "after" } ]
        }
        """;

    public const string MakerId = "maker";

    /// <summary>A manual workflow whose activity produces the asset <c>studio/made</c>.</summary>
    public const string Maker = """
        {
          "id": "maker",
          "name": "Maker",
          "activities": [ { "id": "make", "type": "Log", "inputs": { "message": "made" }, "produces": ["studio/made"] } ],
          "edges": []
        }
        """;

    public const string OnMakerId = "on-maker";

    /// <summary>Triggered by the asset <see cref="Maker"/> produces.</summary>
    public const string OnMaker = """
        {
          "id": "on-maker",
          "name": "On maker",
          "trigger": { "assets": ["studio/made"] },
          "activities": [ { "id": "use", "type": "Log", "inputs": { "message": "saw {{ params.triggeringAssets }}" } } ],
          "edges": []
        }
        """;

    public static readonly IReadOnlyDictionary<string, string> Default =
        new Dictionary<string, string>
        {
            ["hello.json"] = Hello,
            ["slow.json"] = Slow,
            ["daily.json"] = Daily,
            ["nightly.json"] = Nightly,
            ["branches.json"] = Branches,
            ["parent.json"] = Parent,
            ["maker.json"] = Maker,
            ["on-maker.json"] = OnMaker,
        };
}
