using System.Text.Json;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.ActivityModel.BuiltIn;
using BitsoWorkflows.Engine.Definitions;
using BitsoWorkflows.Server.Studio.Services;
using BitsoWorkflows.Server.Tests.Studio.Support;
using BitsoWorkflows.Server.Tests.Support;

namespace BitsoWorkflows.Server.Tests.Studio;

/// <summary>The Studio's pure pieces: graph layout, version diff, the params form, thresholds, palette insertion.</summary>
public sealed class StudioHelpersTests
{
    [Fact]
    public void DagLayout_Of_PutsEachActivityRightOfItsParents()
    {
        var layout = DagLayout.Of(
            [("a", "Log"), ("b", "Log"), ("c", "Log"), ("d", "Log")],
            [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("a", "missing")]);

        var x = layout.Nodes.ToDictionary(n => n.Id, n => n.X);
        Assert.True(x["a"] < x["b"] && x["b"] == x["c"] && x["c"] < x["d"]);
        Assert.NotEqual(layout.Nodes.Single(n => n.Id == "b").Y, layout.Nodes.Single(n => n.Id == "c").Y);
        Assert.Equal(4, layout.Edges.Count);
        Assert.All(layout.Edges, e => Assert.True(e.X2 > e.X1));
    }

    [Fact]
    public void ActivityStatuses_Latest_TakesEachRecordsLastAttemptAndGivesAMappedActivityOneStatus()
    {
        var latest = ActivityStatuses.Latest([
            ("a", 1, Engine.Execution.ActivityStatus.Failed), ("a", 2, Engine.Execution.ActivityStatus.Succeeded),
            ("m[0]", 1, Engine.Execution.ActivityStatus.Succeeded), ("m[1]", 1, Engine.Execution.ActivityStatus.Failed),
            ("m[10]", 1, Engine.Execution.ActivityStatus.Succeeded), ("n[0]", 1, Engine.Execution.ActivityStatus.Succeeded),
            ("skipped", 1, Engine.Execution.ActivityStatus.Skipped)]);

        Assert.Equal(Engine.Execution.ActivityStatus.Succeeded, latest["a"]);
        Assert.Equal(Engine.Execution.ActivityStatus.Failed, latest["m"]); // one instance failed
        Assert.Equal(Engine.Execution.ActivityStatus.Succeeded, latest["n"]);
        Assert.Equal(Engine.Execution.ActivityStatus.Failed, latest["m[1]"]);
        Assert.Equal(Engine.Execution.ActivityStatus.Skipped, latest["skipped"]);
    }

    [Fact]
    public void ActivityStatuses_Rows_PutsInstancesUnderTheirActivityByIndex()
    {
        var rows = ActivityStatuses.Rows(["first", "m", "last"], ["m[10]", "m[2]", "first", "m", "m[0]", "gone", "last"]);

        Assert.Equal(["first", "m", "m[0]", "m[2]", "m[10]", "last", "gone"], rows);
    }

    [Fact]
    public void DagLayout_Of_WithCycle_StillPlacesEveryNode()
    {
        var layout = DagLayout.Of([("a", "Log"), ("b", "Log")], [("a", "b"), ("b", "a")]);

        Assert.Equal(2, layout.Nodes.Count);
    }

    [Fact]
    public void TextDiff_Lines_MarksChangedLinesAndHunksHideDistantContext()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i}"));
        var after = before.Replace("line 10", "line ten", StringComparison.Ordinal) + "\nline 21";

        var diff = TextDiff.Lines(before, after);
        var hunks = TextDiff.Hunks(diff, context: 1);

        Assert.Equal(new DiffLine(DiffKind.Removed, "line 10"), Assert.Single(diff, d => d.Kind == DiffKind.Removed));
        Assert.Equal(["line ten", "line 21"], diff.Where(d => d.Kind == DiffKind.Added).Select(d => d.Text));
        Assert.Equal(DiffKind.Gap, hunks[0].Kind);
        Assert.Contains("8 unchanged", hunks[0].Text);
        Assert.Equal(["line 9", "line 10", "line ten", "line 11"], hunks.Skip(1).Take(4).Select(h => h.Text));
    }

    [Fact]
    public void ParamInputs_Build_TypesValuesAndNamesBadOnes()
    {
        var definition = JsonSerializer.Deserialize<WorkflowDefinition>(TestWorkflows.Hello, DefinitionJson.Options)!;
        var inputs = new ParamInputs(definition.Params);
        Assert.Equal("0.5", inputs.Texts["threshold"]);

        inputs.Texts["threshold"] = "0.75";
        inputs.Texts["greeting"] = "hola";
        var values = inputs.Build(out var errors);

        Assert.Empty(errors);
        Assert.Equal(0.75m, values["threshold"].GetDecimal());
        Assert.Equal("hola", values["greeting"].GetString());

        inputs.Texts["threshold"] = "lots";
        inputs.Build(out errors);
        Assert.Equal("threshold: 'lots' is not a valid number", Assert.Single(errors));
    }

    [Fact]
    public void SpreadThresholds_From_ReadsNestedAndListShapes()
    {
        var nested = JsonSerializer.Deserialize<WorkflowDefinition>(TestWorkflows.EverySecond, DefinitionJson.Options)!;
        var listed = nested with
        {
            Id = "alerts",
            Params = new() { ["thresholds"] = new ParamDefinition { Type = "array", Default = JsonDocument.Parse("""[{ "book": "usd_mxn", "maxSpreadPct": 0.2 }]""").RootElement } },
        };

        var lines = SpreadThresholds.From([nested, listed]);

        Assert.Equal(
            [("btc_mxn", "warning", 0.3m), ("btc_mxn", "critical", 0.8m), ("usd_mxn", "maxSpreadPct", 0.2m)],
            lines.Select(l => (l.Book, l.Name, l.Value)));
    }

    [Fact]
    public void SpreadThresholds_From_ShippedOrderBookWorkflowWithRule_DrawsEveryBookAndTheRuleOverride()
    {
        var shipped = JsonSerializer.Deserialize<WorkflowDefinition>(RepoFiles.Workflow("order-book-every-second"), DefinitionJson.Options)!;
        var withRule = shipped with
        {
            Params = new(shipped.Params)
            {
                ["rules"] = new ParamDefinition { Type = "array", Default = JsonDocument.Parse("""[{ "book": "usd_mxn", "thresholds": [0.3] }]""").RootElement },
            },
        };

        var lines = SpreadThresholds.From([withRule]);

        Assert.Equal(
            [("btc_mxn", 1.0m), ("btc_mxn", 0.5m), ("btc_mxn", 0.1m), ("usd_mxn", 0.3m)],
            lines.Select(l => (l.Book, l.Value)));
        Assert.All(lines, l => Assert.Equal("order-book-every-second", l.WorkflowId));
    }

    [Fact]
    public void DisplayCell_WritesQueryValuesInvariantly()
    {
        Assert.Equal("NULL", StudioFormat.Cell(null));
        Assert.Equal("0.0825750500", StudioFormat.Cell(0.0825750500m));
        Assert.Equal("2026-01-05T10:00:01Z", StudioFormat.Cell(new DateTimeOffset(2026, 1, 5, 10, 0, 1, TimeSpan.Zero)));
        Assert.Equal("2026-01-05", StudioFormat.Cell(new DateOnly(2026, 1, 5)));
        Assert.Equal("[1, NULL, x]", StudioFormat.Cell(new object?[] { 1L, null, "x" }));
        Assert.Equal("0.1", StudioFormat.Cell(0.1d));
        Assert.True(StudioFormat.IsNumber(System.Numerics.BigInteger.One));
        Assert.False(StudioFormat.IsNumber("1"));
    }

    [Fact]
    public void DefinitionEdits_ConnectDisconnectRemove_EditEdgesAndActivitiesOnly()
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(LogActivity).Assembly);
        var validator = new WorkflowDefinitionValidator(registry);

        var connected = DefinitionEdits.Connect(TestWorkflows.Hello, "say", "report")!;
        var again = DefinitionEdits.Connect(connected, "say", "report")!;
        var disconnected = DefinitionEdits.Disconnect(again, "wait", "report")!;
        var removed = DefinitionEdits.RemoveActivity(disconnected, "wait")!;

        Assert.Equal(connected, again);
        var definition = validator.Validate(removed).Definition!;
        Assert.Equal(["say", "report"], definition.Activities.Select(a => a.Id));
        Assert.Equal([("say", "report")], definition.Edges.Select(e => (e.From, e.To)));
        Assert.Equal(validator.Validate(TestWorkflows.Hello).Definition!.Params.Keys, definition.Params.Keys);
        Assert.Contains(validator.Validate(DefinitionEdits.Connect(connected, "report", "say")!).Errors, e => e.Message.Contains("cycle", StringComparison.OrdinalIgnoreCase));
        Assert.Null(DefinitionEdits.Connect("{ not json", "a", "b"));
        Assert.Null(DefinitionEdits.RemoveActivity("[1, 2]", "a"));
    }

    [Fact]
    public void DefinitionEdits_AppendActivity_AddsUniqueIdRequiredInputsAndEdgeFromTheLastActivity()
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(LogActivity).Assembly);

        var once = DefinitionEdits.AppendActivity(TestWorkflows.Hello, registry.Find("Log")!)!;
        var twice = DefinitionEdits.AppendActivity(once, registry.Find("Log")!)!;
        var result = new WorkflowDefinitionValidator(registry).Validate(twice);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var definition = result.Definition!;
        Assert.Equal(["say", "wait", "report", "log", "log2"], definition.Activities.Select(a => a.Id));
        Assert.Contains(definition.Edges, e => e.From == "report" && e.To == "log");
        Assert.Contains(definition.Edges, e => e.From == "log" && e.To == "log2");
        Assert.True(definition.Activities[3].Inputs.ContainsKey("message"));
        Assert.False(definition.Activities[3].Inputs.ContainsKey("level"));
        Assert.Null(DefinitionEdits.AppendActivity("{ not json", registry.Find("Log")!));
        var dropped = new WorkflowDefinitionValidator(registry).Validate(DefinitionEdits.AppendActivity(TestWorkflows.Hello, registry.Find("Log")!, after: "say", out var id)!).Definition!;
        Assert.Equal("log", id);
        Assert.Contains(dropped.Edges, e => e.From == "say" && e.To == "log");
    }

    [Fact]
    public void DefinitionEdits_ApplySettings_WritesWhatIsSetRemovesWhatIsEmptyAndRoundTrips()
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(LogActivity).Assembly);
        var validator = new WorkflowDefinitionValidator(registry);
        var branches = validator.Validate(TestWorkflows.Branches).Definition!;

        var join = DefinitionEdits.SettingsOf(branches, "join");
        Assert.Equal((TriggerRule.NoneFailed, null, null), (join.TriggerRule, join.Map, join.Group));
        Assert.Equal(["left", "right"], join.When.Keys.Order());
        var left = DefinitionEdits.SettingsOf(branches, "left");
        Assert.Equal("{{ params.side }} == \"left\"", left.When["each"]);

        join.TriggerRule = TriggerRule.AllDone;
        join.Group = "  end  ";
        join.When["right"] = "{{ params.side }} == \"right\"";
        var edited = DefinitionEdits.ApplySettings(TestWorkflows.Branches, "join", join)!;
        left.When["each"] = " ";
        left.Group = "";
        edited = DefinitionEdits.ApplySettings(edited, "left", left)!;
        var each = DefinitionEdits.SettingsOf(branches, "each");
        each.Map = "";
        each.MaxParallel = null;
        var unmapped = DefinitionEdits.ApplySettings(edited, "each", each)!;

        var result = validator.Validate(edited);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var definition = result.Definition!;
        Assert.Equal((TriggerRule.AllDone, "end"), (definition.Activities.Single(a => a.Id == "join").TriggerRule, definition.Activities.Single(a => a.Id == "join").Group));
        Assert.Equal("{{ params.side }} == \"right\"", definition.Edges.Single(e => e.From == "right" && e.To == "join").When);
        Assert.Null(definition.Edges.Single(e => e.From == "each" && e.To == "left").When);
        Assert.Null(definition.Activities.Single(a => a.Id == "left").Group);
        // Removing the map of an activity whose output downstream reads as a list is the validator's to flag, not the edit's.
        var unmappedEach = validator.Validate(unmapped).Definition ?? System.Text.Json.JsonSerializer.Deserialize<WorkflowDefinition>(unmapped, DefinitionJson.Options)!;
        Assert.Null(unmappedEach.Activities.Single(a => a.Id == "each").Map);
        Assert.Null(unmappedEach.Activities.Single(a => a.Id == "each").MaxParallel);
        Assert.Null(DefinitionEdits.ApplySettings("{ not json", "join", join));
        Assert.Null(DefinitionEdits.ApplySettings(TestWorkflows.Branches, "nope", join));
    }

    [Fact]
    public void DefinitionEdits_ApplySettings_WritesASensorOnlyWithSomethingInIt()
    {
        var registry = ActivityRegistry.FromAssemblies(typeof(LogActivity).Assembly);
        var json = """{ "id": "s", "name": "s", "activities": [ { "id": "wait", "type": "WaitFor", "inputs": { "path": "x/*" } } ], "edges": [] }""";
        var settings = new ActivitySettings { PokeInterval = "00:00:30", SensorTimeout = "01:00:00", SoftFail = true };

        var withSensor = DefinitionEdits.ApplySettings(json, "wait", settings)!;
        var sensor = new WorkflowDefinitionValidator(registry).Validate(withSensor).Definition!.Activities[0].Sensor!;
        var without = DefinitionEdits.ApplySettings(withSensor, "wait", new ActivitySettings())!;

        Assert.Equal(("00:00:30", "01:00:00", true), (sensor.PokeInterval, sensor.Timeout, sensor.SoftFail));
        Assert.DoesNotContain("sensor", without, StringComparison.Ordinal);
        Assert.DoesNotContain("triggerRule", without, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLines_LineOf_FindsPropertiesAndArrayElements()
    {
        var json = "{\n  \"id\": \"x\",\n  \"activities\": [\n    { \"id\": \"a\" },\n    {\n      \"id\": \"b\",\n      \"type\": \"Nope\"\n    }\n  ]\n}";

        Assert.Equal(1, JsonLines.LineOf(json, "$"));
        Assert.Equal(2, JsonLines.LineOf(json, "$.id"));
        Assert.Equal(4, JsonLines.LineOf(json, "$.activities[0]"));
        Assert.Equal(7, JsonLines.LineOf(json, "$.activities[1].type"));
        Assert.Equal(7, JsonLines.LineOf(json, "$['activities'][1]['type']"));
        Assert.Null(JsonLines.LineOf(json, "$.activities[2]"));
        Assert.Null(JsonLines.LineOf("{ \"a\": ", "$.a"));
    }

    [Fact]
    public void StoreSummary_Folders_CountsEachFolderWithEverythingBelowItDownToTheDepthAsked()
    {
        var root = TempFolder.Create();
        try
        {
            void Write(string relative, int bytes)
            {
                var path = Path.Combine(root, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, new byte[bytes]);
            }
            Write("top.txt", 1);
            Write("lake/spreads/book=btc_mxn/date=2026-11-27/a.parquet", 10);
            Write("lake/spreads/book=btc_mxn/date=2026-11-28/b.parquet", 20);
            Write("lake/readme.txt", 5);
            Directory.CreateDirectory(Path.Combine(root, "empty"));
            var summary = new StoreSummary(null!, null!, new Engine.Hosting.DataDirectory(root));

            var folders = summary.Folders(depth: 2).ToDictionary(f => f.Path, f => (f.Files, f.Bytes, f.OwnFiles.Count));

            Assert.Equal([".", "empty", "lake", "lake/spreads"], folders.Keys);
            Assert.Equal((4, 36L, 1), folders["."]);
            Assert.Equal((0, 0L, 0), folders["empty"]);
            Assert.Equal((3, 35L, 1), folders["lake"]);
            Assert.Equal((2, 30L, 0), folders["lake/spreads"]);
            Assert.Null(summary.Folders().Single(f => f.Path == "empty").NewestWrite);
        }
        finally
        {
            TempFolder.Delete(root);
        }
    }
}
