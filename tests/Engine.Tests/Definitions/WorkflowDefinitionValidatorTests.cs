using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Engine.Tests.Support;

namespace BitsoWorkflows.Engine.Tests.Definitions;

public sealed class WorkflowDefinitionValidatorTests
{
    private static readonly WorkflowDefinitionValidator Validator = new(ActivityRegistry.FromAssemblies(typeof(ActivityRegistry).Assembly, typeof(ProbeActivity).Assembly));

    private static IReadOnlyList<ValidationError> Errors(string json) => Validator.Validate(json, "test.json").Errors;

    private static void AssertError(string json, string path, string fragment)
    {
        var errors = Errors(json);
        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"expected an error at {path} containing '{fragment}', got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        Assert.All(errors, e => Assert.Equal("test.json", e.File));
    }

    [Fact]
    public void Validate_WhenDefinitionIsValid_ReturnsDefinitionWithoutErrors()
    {
        var json = Workflows.Json("ok", """
            { "id": "a", "type": "Sum", "inputs": { "values": [1, 2] } },
            { "id": "b", "type": "Log", "inputs": { "message": "total {{ outputs.a.total }} at {{ run.logicalTime }}" } }
            """, Workflows.Edge("a", "b"), """ "trigger": { "cron": "0 0/10 * * * ?", "delay": "00:00:05" }, "params": { "n": { "type": "integer", "default": 3 } } """);

        var result = Validator.Validate(json);

        Assert.Empty(result.Errors);
        Assert.Equal("ok", result.Definition!.Id);
        Assert.Equal(2, result.Definition.Activities.Count);
    }

    [Theory]
    [InlineData("""{ "id": "a", "type": "Sum", "sensor": { "pokeInterval": "00:00:05" } }""", "$.activities[0].sensor", "Sum is not a sensor, so it takes no 'sensor' settings (sensors: WaitFor)")]
    [InlineData("""{ "id": "a", "type": "WaitFor", "inputs": { "path": "x/*" }, "sensor": { "pokeInterval": "00:00:00" } }""", "$.activities[0].sensor.pokeInterval", "must be a positive duration")]
    [InlineData("""{ "id": "a", "type": "WaitFor", "inputs": { "path": "x/*" }, "sensor": { "timeout": "-00:00:05" } }""", "$.activities[0].sensor.timeout", "must be a positive duration")]
    [InlineData("""{ "id": "a", "type": "WaitFor", "inputs": { "path": "x/*" }, "sensor": { "pokeInterval": "00:10:00", "timeout": "00:05:00" } }""", "$.activities[0].sensor.timeout", "shorter than pokeInterval")]
    [InlineData("""{ "id": "a", "type": "WaitFor", "inputs": { "path": "x/*" }, "sensor": { "poke": "00:10:00" } }""", "$.activities[0].sensor.poke", "unknown property 'poke'")]
    public void Validate_WhenSensorSettingsAreWrong_NamesTheSettingAndWhy(string activity, string path, string fragment) =>
        AssertError(Workflows.Json("s", activity), path, fragment);

    [Fact]
    public void Validate_WhenSensorSettingsAreRight_Accepts() =>
        Assert.Empty(Errors(Workflows.Json("s", """{ "id": "a", "type": "WaitFor", "inputs": { "path": "x/*", "minCount": 2 }, "sensor": { "pokeInterval": "00:00:30", "timeout": "1.00:00:00", "softFail": true } }""")));

    [Fact]
    public void Validate_WhenJsonIsMalformed_NamesLineAndPosition() =>
        AssertError("{ \"id\": \"x\",\n \"activities\": [ }", "$", "line 2");

    [Fact]
    public void Validate_WhenRequiredPropertyMissing_ReportsSchemaError() =>
        AssertError("""{ "activities": [ { "id": "a", "type": "Log", "inputs": { "message": "m" } } ] }""", "$", "id");

    [Fact]
    public void Validate_WhenActivityTypeUnknown_NamesTypeAndKnownTypes() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Nope" }"""), "$.activities[0].type", "unknown activity type 'Nope' (known: ");

    [Fact]
    public void Validate_WhenRequiredInputMissing_NamesInput() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Sum", "inputs": {} }"""), "$.activities[0].inputs", "missing required input 'values' of Sum");

    [Fact]
    public void Validate_WhenInputHasWrongType_NamesInputAndType() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Sum", "inputs": { "values": "one" } }"""), "$.activities[0].inputs.values", "is not of type array");

    [Fact]
    public void Validate_WhenInputUnknown_ListsKnownInputs() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Sum", "inputs": { "values": [1], "valuez": 2 } }"""), "$.activities[0].inputs.valuez", "Sum has no input 'valuez'");

    [Fact]
    public void Validate_WhenParamReferenceUnknown_NamesParam() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "{{ params.who }}" } }"""), "$.activities[0].inputs.message", "unknown param 'who'");

    [Fact]
    public void Validate_WhenParamTypeDoesNotFitInput_ReportsBothTypes() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Sum", "inputs": { "values": "{{ params.n }}" } }""", extra: """ "params": { "n": { "type": "integer", "default": 1 } } """),
            "$.activities[0].inputs.values", "is of type integer but the input expects array");

    [Fact]
    public void Validate_WhenActivityReferenceUnknown_NamesActivity() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "{{ outputs.ghost.message }}" } }"""), "$.activities[0].inputs.message", "unknown activity 'ghost'");

    [Fact]
    public void Validate_WhenReferencedActivityIsNotUpstream_AsksForAnEdge() =>
        AssertError(Workflows.Json("w", """
            { "id": "a", "type": "Sum", "inputs": { "values": [1] } },
            { "id": "b", "type": "Log", "inputs": { "message": "{{ outputs.a.total }}" } }
            """), "$.activities[1].inputs.message", "'a' is not upstream of 'b'");

    [Fact]
    public void Validate_WhenOutputUnknown_ListsOutputs() =>
        AssertError(Workflows.Json("w", """
            { "id": "a", "type": "Sum", "inputs": { "values": [1] } },
            { "id": "b", "type": "Log", "inputs": { "message": "{{ outputs.a.sum }}" } }
            """, Workflows.Edge("a", "b")), "$.activities[1].inputs.message", "has no output 'sum' (outputs: total, label)");

    [Fact]
    public void Validate_WhenGraphHasCycle_ShowsTheCycle() =>
        AssertError(Workflows.Json("w", """
            { "id": "a", "type": "Log", "inputs": { "message": "a" } },
            { "id": "b", "type": "Log", "inputs": { "message": "b" } },
            { "id": "c", "type": "Log", "inputs": { "message": "c" } }
            """, $"{Workflows.Edge("a", "b")}, {Workflows.Edge("b", "c")}, {Workflows.Edge("c", "a")}"), "$.edges", "cycle: a -> b -> c -> a");

    [Fact]
    public void Validate_WhenEdgeNamesMissingActivity_PointsAtTheEdge() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", Workflows.Edge("a", "zz")), "$.edges[0].to", "edge to unknown activity 'zz'");

    [Fact]
    public void Validate_WhenCronUnparsable_ShowsTheExpression() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: """ "trigger": { "cron": "every second" } """), "$.trigger.cron", "unparsable cron 'every second'");

    [Theory]
    [InlineData(""" "trigger": { "interval": "10" } """, "$.trigger.interval", "interval '10' must be a duration (hh:mm:ss)")] // .NET: ten days
    [InlineData(""" "trigger": { "cron": "0 * * * * ?", "delay": "5:00" } """, "$.trigger.delay", "delay '5:00' is not a duration")] // .NET: five hours
    [InlineData(""" "trigger": { "cron": "0 * * * * ?", "delay": "00:00:05\n" } """, "$.trigger.delay", "is not a duration")]
    [InlineData(""" "trigger": { "cron": "0 * * * * ?", "delay": "-00:00:05" } """, "$.trigger.delay", "is not a duration")]
    [InlineData(""" "trigger": { "cron": "0 * * * * ?", "delay": "00:00:05.12345678" } """, "$.trigger.delay", "is not a duration")]
    public void Validate_WhenADurationIsNotHoursMinutesSeconds_SaysSo(string extra, string path, string expected) =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: extra), path, expected);

    [Fact]
    public void Validate_WhenANumberIsBeyondAnyRange_SaysWhereInsteadOfThrowing() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Probe", "inputs": { "value": 1e400 } }"""), "$.activities[0].inputs.value", "the number 1e400 is out of range");

    [Fact]
    public void Validate_WhenADurationParamOrInputIsANumber_SaysItIsNotADuration()
    {
        // The schema held the definition's own durations to hh:mm:ss; a duration param or input took "30" as thirty days.
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: """ "params": { "wait": { "type": "duration", "default": "30" } } """),
            "$.params.wait.default", "default \"30\" is not of type duration");
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Delay", "inputs": { "duration": "5:00" } }"""),
            "$.activities[0].inputs.duration", "is not of type duration");
    }

    [Fact]
    public void Validate_WhenAnActivityTimeoutIsANumber_SaysItIsNotSeconds() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" }, "timeout": "30" }"""), "$.activities[0].timeout", "timeout '30' must be a positive duration (hh:mm:ss");

    [Theory]
    [InlineData("00:00:05")]
    [InlineData("1.00:00:00")]
    [InlineData("00:00:00.050")]
    [InlineData("0:00:05")]
    public void Validate_WhenADurationIsHoursMinutesSeconds_Accepts(string delay) =>
        Assert.Empty(Errors(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: $$""" "trigger": { "cron": "0 * * * * ?", "delay": "{{delay}}" } """)));

    [Theory]
    [InlineData("0 0 0 31 2 ?", "cron '0 0 0 31 2 ?' never fires")]
    [InlineData("0 0 0 30 2 ?", "never fires")]
    [InlineData("0 0 0 1 1 ? 2020", "has a year field")]
    [InlineData("0 0 0 1 1 ? 2030-2040", "has a year field")]
    public void Validate_WhenCronNeverFiresOrEnds_SaysSo(string cron, string expected) =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: $$""" "trigger": { "cron": "{{cron}}" } """), "$.trigger.cron", expected);

    [Theory]
    [InlineData("0 0 0 29 2 ?")]
    [InlineData("0 0 0 ? 2 MON#5")] // the fifth Monday of February: 2016, 2044
    [InlineData("0 0 0 L * ?")]
    public void Validate_WhenCronIsRareButFires_Accepts(string cron) =>
        Assert.Empty(Errors(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: $$""" "trigger": { "cron": "{{cron}}" } """)));

    [Fact]
    public void Validate_WhenActivityIdDuplicated_PointsAtBoth() =>
        AssertError(Workflows.Json("w", """
            { "id": "a", "type": "Log", "inputs": { "message": "a" } },
            { "id": "a", "type": "Log", "inputs": { "message": "b" } }
            """), "$.activities[1].id", "duplicate activity id 'a' (first used at $.activities[0])");

    [Fact]
    public void Validate_WhenTriggerHasBothCronAndInterval_ExplainsTheRule() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: """ "trigger": { "cron": "* * * * * ?", "interval": "00:10:00" } """), "$.trigger", "exactly one of 'cron' and 'interval'");

    [Fact]
    public void Validate_WhenParamDefaultHasWrongType_NamesParam() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Log", "inputs": { "message": "a" } }""", extra: """ "params": { "n": { "type": "integer", "default": "x" } } """), "$.params.n.default", "is not of type integer");

    [Fact]
    public void Validate_WhenFileHasManyProblems_ReportsEveryOne()
    {
        var json = Workflows.Json("w", """
            { "id": "a", "type": "Nope" },
            { "id": "b", "type": "Sum", "inputs": {} },
            { "id": "b", "type": "Log", "inputs": { "message": "{{ params.x }}" } }
            """, Workflows.Edge("a", "zz"), """ "trigger": { "cron": "bad" } """);

        Assert.True(Errors(json).Count >= 6, string.Join(Environment.NewLine, Errors(json)));
    }

    private static string WithNotify(string extra) =>
        Workflows.Json("n", """{ "id": "a", "type": "Sum", "inputs": { "values": [1] } }""", extra: extra);

    [Fact]
    public void Validate_WhenNotifyAndDeadlineAreValid_KeepsThem()
    {
        var result = Validator.Validate(WithNotify("""
            "trigger": { "cron": "0 5 0 * * ?" },
            "deadline": { "after": "logicalEnd", "within": "06:00:00" },
            "notify": { "on": ["failure", "deadlineMiss"], "webhooks": [ { "url": "https://hooks.example/x", "secretName": "ops" } ], "emails": ["oncall@example.com"] }
            """));

        Assert.Empty(result.Errors);
        Assert.Equal(["failure", "deadlineMiss"], result.Definition!.Notify!.On);
        Assert.Equal("ops", result.Definition.Notify.Webhooks[0].SecretName);
        Assert.Equal(TimeSpan.FromHours(6), DefinitionJson.ParseDuration(result.Definition.Deadline!.Within));
    }

    [Theory]
    [InlineData(""" "notify": { "on": ["failure"], "webhooks": [ { "url": "ftp://x/y" } ] } """, "$.notify.webhooks[0].url", "not an absolute http or https URL")]
    [InlineData(""" "notify": { "on": ["failure"], "webhooks": [ { "url": "https://u:p@x/y" } ] } """, "$.notify.webhooks[0].url", "must not carry credentials")]
    [InlineData(""" "notify": { "on": ["failure"], "emails": ["not an address"] } """, "$.notify.emails[0]", "not an e-mail address")]
    [InlineData(""" "notify": { "on": ["failure"] } """, "$.notify", "at least one target")]
    [InlineData(""" "notify": { "on": [], "emails": ["a@b.example"] } """, "$.notify.on", "at least one event")]
    [InlineData(""" "notify": { "on": ["failure", "failure"], "emails": ["a@b.example"] } """, "$.notify.on[1]", "listed twice")]
    [InlineData(""" "notify": { "on": ["deadlineMiss"], "emails": ["a@b.example"] } """, "$.notify.on", "needs a deadline")]
    [InlineData(""" "notify": { "on": ["failure"], "webhooks": [ { "url": "https://x/y", "secret": "s3cr3t" } ] } """, "$.notify.webhooks[0].secret", "name a configured one with 'secretName'")]
    [InlineData(""" "deadline": { "within": "06:00:00" } """, "$.deadline", "needs a schedule")]
    [InlineData(""" "trigger": { "interval": "01:00:00" }, "deadline": { "within": "00:00:00" } """, "$.deadline.within", "positive duration")]
    public void Validate_WhenNotifyOrDeadlineIsWrong_NamesThePlace(string extra, string path, string fragment) =>
        AssertError(WithNotify(extra), path, fragment);

    private static string Assets(string activity, string extra) => Workflows.Json("assets", activity, extra: extra);

    [Fact]
    public void Validate_WhenAssetsAreDeclaredWell_KeepsTheTriggerAndWhatActivitiesProduce()
    {
        var result = Validator.Validate(Assets(
            """{ "id": "a", "type": "Sum", "inputs": { "values": [1], "label": "{{ params.triggeringAssets }}!" }, "produces": ["warehouse/report", "x.y-z_1"] }""",
            """ "trigger": { "assets": ["lake/spreads", "master-data/users"] } """));

        Assert.Empty(result.Errors);
        Assert.Null(result.Definition!.Schedule);
        Assert.Equal(["lake/spreads", "master-data/users"], result.Definition.TriggerAssets);
        Assert.Equal(["warehouse/report", "x.y-z_1"], result.Definition.Activities[0].Produces);
    }

    [Theory]
    [InlineData(""" "trigger": { "assets": ["a", "a"] } """, "$.trigger.assets[1]", "listed twice")]
    [InlineData(""" "trigger": { "assets": ["made/here"] } """, "$.trigger.assets[0]", "produced by this workflow itself")]
    [InlineData(""" "trigger": { "assets": ["a"], "delay": "00:01:00" } """, "$.trigger", "belong to a schedule")]
    [InlineData(""" "trigger": { "assets": ["a"] }, "catchup": true """, "$.catchup", "needs a schedule")]
    [InlineData(""" "trigger": { "assets": ["a"] }, "deadline": { "within": "06:00:00" } """, "$.deadline", "needs a schedule")]
    [InlineData(""" "trigger": { "assets": ["a"] }, "notify": { "on": ["missed"], "emails": ["a@b.example"] } """, "$.notify.on", "needs a schedule")]
    [InlineData(""" "params": { "triggeringAssets": { "type": "object" } } """, "$.params.triggeringAssets", "reserved")]
    public void Validate_WhenAnAssetTriggerIsWrong_NamesThePlace(string extra, string path, string fragment) =>
        AssertError(Assets("""{ "id": "a", "type": "Sum", "inputs": { "values": [1] }, "produces": ["made/here"] }""", extra), path, fragment);

    [Theory]
    [InlineData(""" "trigger": { "assets": [] } """)]
    [InlineData(""" "trigger": { "assets": ["a"], "cron": "* * * * * ?" } """)]
    [InlineData(""" "trigger": { "assets": ["Lake/Spreads"] } """)]
    [InlineData(""" "trigger": { "assets": ["lake//spreads"] } """)]
    [InlineData(""" "trigger": { "assets": ["/lake"] } """)]
    [InlineData(""" "trigger": { "assets": ["lake/"] } """)]
    [InlineData(""" "trigger": { "assets": ["../etc"] } """)]
    [InlineData(""" "trigger": { "assets": ["a b"] } """)]
    [InlineData(""" "trigger": { "assets": ["lake\n"] } """)]
    [InlineData(""" "trigger": { "assets": [7] } """)]
    public void Validate_WhenAnAssetNameOrTheTriggerShapeIsMalformed_RefusesIt(string extra) =>
        Assert.NotEmpty(Errors(Assets("""{ "id": "a", "type": "Sum", "inputs": { "values": [1] } }""", extra)));

    [Theory]
    [InlineData("lake\\n")]
    [InlineData("lake\\r\\n")]
    [InlineData("lake/\\u0000")]
    [InlineData("ｌａｋｅ")]
    public void Validate_WhenAProducedAssetNameEndsInALineBreakOrIsNotAscii_NamesIt(string name) =>
        AssertError(Assets($$"""{ "id": "a", "type": "Sum", "inputs": { "values": [1] }, "produces": ["{{name}}"] }""", ""), "$.activities[0].produces[0]", "is not an asset name");

    [Fact]
    public void Validate_WhenAnActivityProducesAnAssetTwice_NamesIt() =>
        AssertError(Assets("""{ "id": "a", "type": "Sum", "inputs": { "values": [1] }, "produces": ["x", "x"] }""", ""), "$.activities[0].produces[1]", "listed twice");

    [Fact]
    public void Validate_WhenAWorkflowWithoutAnAssetTriggerReadsTriggeringAssets_SaysTheParamIsUnknown() =>
        AssertError(Assets("""{ "id": "a", "type": "Sum", "inputs": { "values": [1], "label": "{{ params.triggeringAssets }}!" } }""", ""),
            "$.activities[0].inputs.label", "unknown param 'triggeringAssets'");

    [Fact]
    public void Validate_WhenVocabularyIsUsedWell_AcceptsRulesBranchesAndMaps()
    {
        var json = Workflows.Json("vocab", """
            { "id": "check", "type": "Probe", "group": "checks" },
            { "id": "each", "type": "Sum", "map": "{{ params.lists }}", "maxParallel": 3, "inputs": { "values": "{{ item }}", "label": "#{{ mapIndex }}" } },
            { "id": "total", "type": "Sum", "triggerRule": "none_failed", "inputs": { "values": "{{ outputs.each.total }}" } },
            { "id": "all", "type": "Log", "triggerRule": "all_done", "inputs": { "message": "all: {{ outputs.each }}" } }
            """, """
            { "from": "check", "to": "each", "when": "{{ outputs.check.value }} >= {{ params.min }}" },
            { "from": "each", "to": "total" }, { "from": "each", "to": "all", "when": "not {{ params.quiet }}" }
            """, """ "params": { "lists": { "type": "array", "default": [] }, "min": { "type": "integer", "default": 1 }, "quiet": { "type": "boolean", "default": false } } """);

        var result = Validator.Validate(json);

        Assert.Empty(result.Errors);
        Assert.Equal(TriggerRule.NoneFailed, result.Definition!.Activities[2].TriggerRule);
        Assert.Equal("not {{ params.quiet }}", result.Definition.Edges[2].When);
        Assert.Equal("checks", result.Definition.Activities[0].Group);
    }

    [Fact]
    public void Validate_WhenAnAlwaysActivityReadsUpstreamOutputs_SaysItStartsBeforeThem() =>
        AssertError(Workflows.Json("w", """
            { "id": "a", "type": "Probe" },
            { "id": "b", "type": "Probe", "triggerRule": "always", "inputs": { "value": "{{ outputs.a.value }}" } }
            """, Workflows.Edge("a", "b")), "$.activities[1].inputs.value", "has triggerRule always, so it starts with the run");

    [Fact]
    public void Validate_WhenTriggerRuleUnknown_ReportsSchemaError() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Probe", "triggerRule": "any_success" }"""), "$.activities[0].triggerRule", "one of the values");

    [Theory]
    [InlineData("{{ outputs.nope.value }}", "reference to unknown activity 'nope'")]
    [InlineData("{{ outputs.b.value }} > 1", "'b' is not upstream of 'b'")]
    [InlineData("{{ outputs.a.valu }}", "Probe ('a') has no output 'valu'")]
    [InlineData("{{ params.missing }} == 1", "reference to unknown param 'missing'")]
    [InlineData("{{ item }}", "exists only in the inputs of a mapped activity")]
    [InlineData("{{ outputs.a.value }} ~ 1", "must be '{{ reference }}'")]
    [InlineData("{{ outputs.a.value }} == one", "neither a reference nor a JSON literal")]
    [InlineData("{{ outputs.a.value }} == [1]", "must be a number")]
    [InlineData("value > 1", "must be '{{ reference }}'")]
    public void Validate_WhenEdgeConditionIsWrong_NamesTheEdgeAndTheProblem(string when, string fragment) =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Probe" }, { "id": "b", "type": "Probe" }""",
            $$"""{ "from": "a", "to": "b", "when": {{System.Text.Json.JsonSerializer.Serialize(when)}} }"""), "$.edges[0].when", fragment);

    [Theory]
    [InlineData("""{ "id": "a", "type": "Probe", "map": "{{ params.name }}" }""", "$.activities[0].map", "'{{ params.name }}' is of type string; map needs a list")]
    [InlineData("""{ "id": "a", "type": "Probe", "map": "items: {{ params.list }}" }""", "$.activities[0].map", "must be exactly one reference to a list")]
    [InlineData("""{ "id": "a", "type": "Probe", "map": "{{ item }}" }""", "$.activities[0].map", "exists only in the inputs of a mapped activity")]
    [InlineData("""{ "id": "a", "type": "Probe", "maxParallel": 2 }""", "$.activities[0].maxParallel", "applies to mapped activities only")]
    [InlineData("""{ "id": "a", "type": "Probe", "inputs": { "value": "{{ mapIndex }}" } }""", "$.activities[0].inputs.value", "give 'a' a 'map'")]
    [InlineData("""{ "id": "a", "type": "Probe", "map": "{{ params.list }}", "inputs": { "value": "{{ mapIndex.x }}" } }""", "$.activities[0].inputs.value", "unknown reference")]
    public void Validate_WhenMapIsWrong_NamesTheActivityAndTheProblem(string activity, string path, string fragment) =>
        AssertError(Workflows.Json("w", activity, "", """ "params": { "name": { "type": "string", "default": "x" }, "list": { "type": "array", "default": [] } } """), path, fragment);

    [Fact]
    public void Validate_WhenAMappedActivitysOutputIsUsed_ItIsAList() =>
        AssertError(Workflows.Json("w", """
            { "id": "each", "type": "Sum", "map": "{{ params.list }}", "inputs": { "values": "{{ item }}" } },
            { "id": "one", "type": "Probe", "inputs": { "value": "{{ outputs.each.total }}" } }
            """, Workflows.Edge("each", "one"), """ "params": { "list": { "type": "array", "default": [] } } """),
            "$.activities[1].inputs.value", "is of type array but the input expects integer");

    [Fact]
    public void Validate_WhenEdgeIsDuplicated_NamesBoth() =>
        AssertError(Workflows.Json("w", """{ "id": "a", "type": "Probe" }, { "id": "b", "type": "Probe" }""",
            string.Join(",", Workflows.Edge("a", "b"), Workflows.Edge("a", "b"))), "$.edges[1]", "duplicate edge 'a' -> 'b' (first at $.edges[0])");
}
