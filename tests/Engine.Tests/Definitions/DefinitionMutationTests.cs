using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Scheduling;
using BitsoWorkflows.Engine.Tests.Support;
using CsCheck;

namespace BitsoWorkflows.Engine.Tests.Definitions;

/// <summary>
/// Definition JSON is what users write by hand, in the Studio's editor, through the API and in files. Starting from a
/// definition that uses every feature, one value anywhere is replaced by another of any kind (numbers out of every
/// range, empty and huge strings, half expressions, deep nesting), removed, or its property renamed: the validator
/// must answer with errors that point into the document, never throw, and what it accepts must have a calendar the
/// scheduler can walk.
/// </summary>
public sealed class DefinitionMutationTests
{
    private static readonly WorkflowDefinitionValidator Validator = new(ActivityRegistry.FromAssemblies(typeof(ActivityRegistry).Assembly, typeof(ProbeActivity).Assembly));

    private const string Seed = """
        {
          "id": "everything",
          "name": "Everything",
          "description": "every feature once",
          "trigger": { "cron": "0 0/10 * * * ?", "fireAt": "intervalEnd", "delay": "00:00:05", "startDate": "2026-01-01T00:00:00Z" },
          "catchup": true,
          "maxActiveRuns": 2,
          "retentionDays": 30,
          "notify": { "on": ["failure", "missed"], "missedPerMinute": 3, "webhooks": [ { "url": "https://hooks.example/ops", "secretName": "ops" } ], "emails": ["ops@example.com"] },
          "deadline": { "after": "logicalEnd", "within": "00:30:00" },
          "params": {
            "items": { "type": "array", "default": [1, 2, 3], "description": "what to map" },
            "limit": { "type": "integer", "default": 5 },
            "ratio": { "type": "number", "default": 0.5 },
            "mode": { "type": "string", "default": "full" },
            "wait": { "type": "duration", "default": "00:00:01" },
            "since": { "type": "datetime", "default": "2026-01-01T00:00:00Z" },
            "token": { "type": "string", "secret": true }
          },
          "activities": [
            { "id": "start", "type": "Probe", "inputs": { "value": "{{ params.limit }}", "delayMs": 0 }, "retry": { "count": 2, "backoff": "00:00:01" }, "timeout": "00:01:00" },
            { "id": "each", "type": "Sum", "map": "{{ params.items }}", "maxParallel": 2, "inputs": { "values": ["{{ item }}", "{{ mapIndex }}"], "label": "n {{ run.logicalTime }}" }, "group": "work" },
            { "id": "check", "type": "Probe", "group": "work", "triggerRule": "all_done", "inputs": { "value": "{{ outputs.start.value }}" } },
            { "id": "wait", "type": "Delay", "inputs": { "duration": "{{ params.wait }}" }, "produces": ["reports/daily"] },
            { "id": "fallback", "type": "Probe", "triggerRule": "one_failed" }
          ],
          "edges": [
            { "from": "start", "to": "each", "when": "{{ outputs.start.value }} > 0" },
            { "from": "start", "to": "check" },
            { "from": "each", "to": "wait", "when": "{{ params.mode }} == \"full\"" },
            { "from": "check", "to": "wait" },
            { "from": "wait", "to": "fallback" }
          ]
        }
        """;

    private static readonly JsonNode?[] Replacements =
    [
        null, true, false, 0, -1, 1, int.MaxValue, long.MinValue, JsonNode.Parse("1e400"), JsonNode.Parse("-0.0"), 1.5, "", " ", "x",
        "{{", "}}", "{{ params.nope }}", "{{ outputs.start }}", "{{ item.a.b }}", "not {{ params.mode }}", "{{ params.mode }} >= ", "\u0000",
        "00:00:00", "-00:00:01", "99999999.23:59:59", "* * * * * ?", "0 0 0 31 2 ?", "2026-02-30T00:00:00Z", "../../etc/passwd",
        new string('a', 20_000), new JsonArray(), new JsonObject(), JsonNode.Parse("""[1, "a", null, {"b": []}]"""), JsonNode.Parse("""{"a": {"b": {"c": 1}}}"""),
        JsonNode.Parse(new string('[', 60) + new string(']', 60)),
    ];

    [Fact]
    public void Seed_IsValid() => Assert.Empty(Validator.Validate(Seed, "seed.json").Errors);

    [Fact]
    public void Validate_OneValueChangedAnywhere_AnswersWithErrorsInsideTheDocumentOrAWalkableDefinition()
    {
        var places = Places(JsonNode.Parse(Seed)!).Count;
        Gen.Select(Gen.Int[0, places - 1], Gen.Int[0, 2], Gen.Int[0, Replacements.Length - 1]).Sample((place, edit, replacement) =>
        {
            var document = JsonNode.Parse(Seed)!;
            var (parent, key, index) = Places(document)[place];
            var what = Mutate(parent, key, index, edit, replacement);
            var json = document.ToJsonString();

            DefinitionValidationResult result;
            try
            {
                result = Validator.Validate(json, "mutated.json");
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"{what}: the validator threw {ex.GetType().Name}: {ex.Message}{Environment.NewLine}{ex.StackTrace}");
            }
            Assert.All(result.Errors, e => Assert.True(e.Path.StartsWith('$') && e.Message.Length > 0, $"{what}: {e}"));
            if (result.Errors.Count == 0 && result.Definition?.Schedule is { } trigger)
            {
                var schedule = WorkflowSchedule.From(trigger);
                var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
                _ = schedule.NextFire(now);
                _ = schedule.IntervalsStartingIn(now.AddDays(-1), now).Take(1000).Count();
            }
        }, iter: 3_000);
    }

    /// <summary>
    /// The server validates on many threads at once (API and Studio publishes, the workflows folder at start-up). With
    /// options made per call, JsonSchema.Net 7.4 let one in ten of these invalid documents through (and the checks after
    /// the schema then threw on its null id).
    /// </summary>
    [Fact]
    public void Validate_OnManyThreadsAtOnce_GivesEachDocumentItsOwnAnswer()
    {
        var invalid = JsonNode.Parse(Seed)!;
        invalid["activities"]![1]!["id"] = null;
        var invalidJson = invalid.ToJsonString();
        var validator = new WorkflowDefinitionValidator(ActivityRegistry.FromAssemblies(typeof(ActivityRegistry).Assembly, typeof(ProbeActivity).Assembly));
        var wrong = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            try
            {
                var errors = validator.Validate(i % 2 == 0 ? invalidJson : Seed, "x.json").Errors;
                if ((i % 2 == 0) != errors.Any(e => e.Path == "$.activities[1].id"))
                    wrong.Add($"{(i % 2 == 0 ? "invalid" : "valid")}: {string.Join(" | ", errors)}");
            }
            catch (Exception ex)
            {
                wrong.Add($"threw {ex.GetType().Name}: {ex.Message}");
            }
        });

        Assert.True(wrong.IsEmpty, $"{wrong.Count} wrong answers, e.g. {wrong.FirstOrDefault()}");
    }

    /// <summary>Every value in the document: (its object or array, its property name or index).</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Places(JsonNode root)
    {
        var places = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj.ToList())
                    {
                        places.Add((obj, key, -1));
                        Walk(value);
                    }
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        places.Add((array, null, i));
                        Walk(array[i]);
                    }
                    break;
            }
        }
        Walk(root);
        return places;
    }

    private static string Mutate(JsonNode parent, string? key, int index, int edit, int replacement)
    {
        var value = Replacements[replacement]?.DeepClone();
        var shown = value?.ToJsonString() is { Length: > 40 } long_ ? long_[..40] + "…" : value?.ToJsonString() ?? "null";
        switch (parent, edit)
        {
            case (JsonObject obj, 0):
                obj[key!] = value;
                return $"{key} = {shown}";
            case (JsonObject obj, 1):
                obj.Remove(key!);
                return $"{key} removed";
            case (JsonObject obj, _):
                var moved = obj[key!]?.DeepClone();
                obj.Remove(key!);
                obj[key!.ToUpperInvariant() + "x"] = moved;
                return $"{key} renamed";
            case (JsonArray array, 1):
                array.RemoveAt(index);
                return $"[{index}] removed";
            case (JsonArray array, _):
                array[index] = value;
                return $"[{index}] = {shown}";
            default:
                throw new InvalidOperationException();
        }
    }
}
