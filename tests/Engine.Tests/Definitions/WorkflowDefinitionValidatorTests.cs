using BitsoWorkflows.Engine.Activities;
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
    [InlineData(""" "deadline": { "within": "06:00:00" } """, "$.deadline", "needs a trigger")]
    [InlineData(""" "trigger": { "interval": "01:00:00" }, "deadline": { "within": "00:00:00" } """, "$.deadline.within", "positive duration")]
    public void Validate_WhenNotifyOrDeadlineIsWrong_NamesThePlace(string extra, string path, string fragment) =>
        AssertError(WithNotify(extra), path, fragment);
}
