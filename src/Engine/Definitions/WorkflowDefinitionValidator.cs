using System.Text.Json;
using System.Text.Json.Nodes;
using BitsoWorkflows.Engine.ActivityModel;
using BitsoWorkflows.Engine.Definitions.Expressions;
using Json.Schema;
using Quartz;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// Validates definition JSON against <c>workflow.schema.json</c> and then against the activity registry and itself,
/// collecting every problem with its JSON path rather than stopping at the first.
/// </summary>
public sealed class WorkflowDefinitionValidator(ActivityRegistry registry)
{
    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    /// <summary>
    /// One instance for every evaluation: JsonSchema.Net 7.4 rebuilds a schema's cached constraints when it meets new
    /// options, and evaluations running meanwhile on other threads then saw a schema half rebuilt — an invalid
    /// definition passed, and its checks threw (json-everything issue #929; found by <c>DefinitionMutationTests</c>).
    /// </summary>
    private static readonly EvaluationOptions SchemaOptions = new() { OutputFormat = OutputFormat.List };

    public static string SchemaText
    {
        get
        {
            using var stream = typeof(WorkflowDefinitionValidator).Assembly.GetManifestResourceStream("workflow.schema.json")!;
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    public DefinitionValidationResult Validate(string json, string? file = null)
    {
        var errors = new List<ValidationError>();
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            errors.Add(new ValidationError(file, "$", $"not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}): {FirstSentence(ex.Message)}"));
            return new DefinitionValidationResult(null, errors);
        }

        // The schema library reads every number it checks as a decimal and throws beyond one; no definition needs such a number.
        var outOfRange = new List<ValidationError>();
        FindNumbersBeyondDecimal(node, "$", file, outOfRange);
        if (outOfRange.Count > 0) return new DefinitionValidationResult(null, outOfRange);

        var schemaResult = Schema.Value.Evaluate(node, SchemaOptions);
        if (!schemaResult.IsValid)
            errors.AddRange(SchemaErrors(schemaResult, file));

        WorkflowDefinition? definition = null;
        try
        {
            definition = node.Deserialize<WorkflowDefinition>(DefinitionJson.Options);
        }
        catch (JsonException ex) when (errors.Count > 0)
        {
            _ = ex; // The schema errors already say what is wrong with the shape.
        }
        catch (JsonException ex)
        {
            errors.Add(new ValidationError(file, ex.Path ?? "$", FirstSentence(ex.Message)));
        }

        if (definition is not null && errors.Count == 0)
        {
            errors.AddRange(new SemanticChecks(registry, definition, file).Run());
        }
        else if (definition is not null)
        {
            // The schema refused the shape, but what deserialized may still be checked for more to report at once. Its
            // parts may be missing or null where the checks expect a valid shape (a null activity), so a check that
            // trips over one reports nothing more: the schema's errors already say what to fix first.
            try
            {
                errors.AddRange(new SemanticChecks(registry, definition, file).Run());
            }
            catch (Exception ex) when (ex is NullReferenceException or ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                _ = ex;
            }
        }

        return new DefinitionValidationResult(errors.Count == 0 ? definition : null, errors);
    }

    private static void FindNumbersBeyondDecimal(JsonNode? node, string path, string? file, List<ValidationError> errors)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) FindNumbersBeyondDecimal(value, $"{path}.{key}", file, errors);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) FindNumbersBeyondDecimal(array[i], $"{path}[{i}]", file, errors);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && !value.GetValue<JsonElement>().TryGetDecimal(out _):
                errors.Add(new ValidationError(file, path, $"the number {value.ToJsonString()} is out of range (at most 28 digits before the point)"));
                break;
        }
    }

    private static IEnumerable<ValidationError> SchemaErrors(EvaluationResults results, string? file)
    {
        var seen = new HashSet<string>();
        foreach (var detail in results.Details)
        {
            if (detail.Errors is null) continue;
            foreach (var (keyword, message) in detail.Errors)
            {
                // "oneOf" on the trigger restates its branches; keep the message that names the rule.
                var path = ToJsonPath(detail.InstanceLocation.ToString());
                var text = keyword == "oneOf" ? "a trigger needs exactly one of 'cron' and 'interval'" : message;
                // additionalProperties: false reports "fail against the false schema"; name the property instead.
                if (text.Contains("false schema", StringComparison.Ordinal) && path.LastIndexOf('.') is var dot and > 0)
                    text = UnknownProperty(path[(dot + 1)..]);
                if (seen.Add(path + "|" + text))
                    yield return new ValidationError(file, path, text);
            }
        }
    }

    private static string UnknownProperty(string name) => name == "secret"
        ? "unknown property 'secret': a webhook's signing secret is never written in a definition; name a configured one with 'secretName' (Notifications:WebhookSecrets:<name>)"
        : $"unknown property '{name}'";

    internal static string ToJsonPath(string pointer)
    {
        if (pointer is "" or "/") return "$";
        var path = "$";
        foreach (var segment in pointer.TrimStart('/').Split('/'))
        {
            var name = segment.Replace("~1", "/").Replace("~0", "~");
            path += int.TryParse(name, out var index) ? $"[{index}]" : $".{name}";
        }
        return path;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static JsonSchema LoadSchema() => JsonSchema.FromText(SchemaText);

    /// <summary>Checks that need the registry or the whole graph.</summary>
    private sealed class SemanticChecks(ActivityRegistry registry, WorkflowDefinition definition, string? file)
    {
        private readonly List<ValidationError> _errors = [];

        public List<ValidationError> Run()
        {
            CheckTrigger();
            CheckNotifications();
            CheckParams();
            var indexById = CheckActivityIds();
            CheckEdges(indexById);
            var ancestors = Ancestors(indexById);
            for (var i = 0; i < definition.Activities.Count; i++)
                CheckActivity(i, indexById, ancestors);
            CheckConditions(indexById, ancestors);
            return _errors;
        }

        private void Add(string path, string message) => _errors.Add(new ValidationError(file, path, message));

        private void CheckTrigger()
        {
            var trigger = definition.Trigger;
            if (trigger is null) return;
            if (trigger.Cron is { } cron && CronProblem(cron) is { } problem)
                Add("$.trigger.cron", problem);
            if (trigger.Interval is { } interval && (!DefinitionJson.TryParseDuration(interval, out var span) || span < TimeSpan.FromSeconds(1)))
                Add("$.trigger.interval", $"interval '{interval}' must be a duration (hh:mm:ss) of at least 00:00:01");
            if (trigger.Delay is { } delay && !DefinitionJson.TryParseDuration(delay, out _))
                Add("$.trigger.delay", $"delay '{delay}' is not a duration (hh:mm:ss)");
            if (trigger.FireAt is not (TriggerDefinition.FireAtIntervalEnd or TriggerDefinition.FireAtIntervalStart))
                Add("$.trigger.fireAt", $"fireAt '{trigger.FireAt}' must be 'intervalStart' or 'intervalEnd'");
            if (trigger.Assets is not { } assets) return;

            if (trigger.Delay is not null || trigger.StartDate is not null || trigger.FireAt != TriggerDefinition.FireAtIntervalEnd)
                Add("$.trigger", "fireAt, delay and startDate belong to a schedule (cron or interval); an asset trigger runs when its assets are produced");
            if (definition.Catchup)
                Add("$.catchup", "catchup needs a schedule (cron or interval): an asset-triggered workflow runs once for all the events it has not seen");
            var produced = definition.Activities.SelectMany(a => a.Produces ?? []).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < assets.Count; i++)
            {
                if (!AssetNames.IsValid(assets[i]))
                    Add($"$.trigger.assets[{i}]", $"'{assets[i].ReplaceLineEndings(" ")}' is not an asset name: {AssetNames.Rule}");
                else if (assets.IndexOf(assets[i]) != i)
                    Add($"$.trigger.assets[{i}]", $"asset '{assets[i]}' is listed twice");
                else if (produced.Contains(assets[i]))
                    Add($"$.trigger.assets[{i}]", $"asset '{assets[i]}' is produced by this workflow itself, so each run would start the next");
            }
        }

        private void CheckNotifications()
        {
            if (definition.Deadline is { } deadline)
            {
                if (definition.Schedule is null)
                    Add("$.deadline", "a deadline needs a schedule (cron or interval): only scheduled intervals have a time by which they must succeed");
                if (deadline.After is not (DeadlineDefinition.LogicalEnd or DeadlineDefinition.LogicalStart))
                    Add("$.deadline.after", $"after '{deadline.After}' must be '{DeadlineDefinition.LogicalEnd}' or '{DeadlineDefinition.LogicalStart}'");
                if (!DefinitionJson.TryParseDuration(deadline.Within, out var within) || within <= TimeSpan.Zero)
                    Add("$.deadline.within", $"within '{deadline.Within}' must be a positive duration (hh:mm:ss or d.hh:mm:ss)");
            }

            if (definition.Notify is not { } notify) return;
            if (notify.On.Count == 0)
                Add("$.notify.on", $"name at least one event to send ({string.Join(", ", NotifyDefinition.Events)})");
            for (var i = 0; i < notify.On.Count; i++)
            {
                var name = notify.On[i];
                if (!NotifyDefinition.Events.Contains(name, StringComparer.Ordinal))
                    Add($"$.notify.on[{i}]", $"unknown event '{name}' (events: {string.Join(", ", NotifyDefinition.Events)})");
                else if (notify.On.IndexOf(name) != i)
                    Add($"$.notify.on[{i}]", $"event '{name}' is listed twice");
            }
            if (notify.Wants(NotifyDefinition.DeadlineMiss) && definition.Deadline is null)
                Add("$.notify.on", $"'{NotifyDefinition.DeadlineMiss}' needs a deadline: add \"deadline\": {{ \"after\": \"logicalEnd\", \"within\": \"06:00:00\" }}");
            if (notify.Wants(NotifyDefinition.Missed) && definition.Schedule is null)
                Add("$.notify.on", $"'{NotifyDefinition.Missed}' needs a schedule (cron or interval): only scheduled intervals can be missed");
            if (notify.MissedPerMinute is < 1 or > 60)
                Add("$.notify.missedPerMinute", $"missedPerMinute must be between 1 and 60 (it is {notify.MissedPerMinute})");
            if (notify.Webhooks.Count == 0 && notify.Emails.Count == 0)
                Add("$.notify", "name at least one target: a webhook under 'webhooks' or an address under 'emails'");
            for (var i = 0; i < notify.Webhooks.Count; i++)
            {
                var url = notify.Webhooks[i].Url;
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    Add($"$.notify.webhooks[{i}].url", $"'{url}' is not an absolute http or https URL");
                else if (!string.IsNullOrEmpty(uri.UserInfo))
                    Add($"$.notify.webhooks[{i}].url", "the URL must not carry credentials (user:password@); sign with 'secretName' instead");
            }
            for (var i = 0; i < notify.Emails.Count; i++)
            {
                var address = notify.Emails[i];
                if (!System.Net.Mail.MailAddress.TryCreate(address, out var parsed) || parsed.Address != address.Trim() || !string.IsNullOrEmpty(parsed.DisplayName))
                    Add($"$.notify.emails[{i}]", $"'{address}' is not an e-mail address (name@domain)");
            }
        }

        /// <summary>
        /// Why a cron cannot be a workflow's calendar, or null. Beyond Quartz's syntax: no year field (the calendar of
        /// intervals never ends; <c>startDate</c> says where it begins), and at least one occurrence — Quartz parses
        /// <c>0 0 0 31 2 ?</c> (February 31st), and a trigger that never fires stopped every workflow's scheduling.
        /// </summary>
        private static string? CronProblem(string cron)
        {
            CronExpression expression;
            try
            {
                expression = new CronExpression(cron, TimeZoneInfo.Utc);
            }
            catch (FormatException)
            {
                return $"unparsable cron '{cron}': use Quartz syntax with a seconds field, e.g. '0 0/10 * * * ?'";
            }
            if (cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length > 6)
                return $"cron '{cron}' has a year field: a workflow's calendar never ends; use six fields (seconds to day of week) and startDate for when it begins";
            // Without a year field a calendar that fires once fires again within decades, so one look from a fixed date decides.
            if (expression.GetNextValidTimeAfter(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) is null)
                return $"cron '{cron}' never fires (no such day in any year)";
            return null;
        }

        private void CheckParams()
        {
            foreach (var (name, param) in definition.Params)
            {
                if (name == Execution.AssetRunParams.Name)
                    Add($"$.params.{name}", $"'{name}' is reserved: the engine sets it on asset-triggered runs (the asset events that started the run)");
                else if (!ValueKinds.TryParse(param.Type, out var kind))
                    Add($"$.params.{name}.type", $"unknown param type '{param.Type}'; use one of {string.Join(", ", ValueKinds.Names)}");
                else if (param.Default is { } value && value.ValueKind != JsonValueKind.Null && !ValueKinds.Matches(value, kind))
                    Add($"$.params.{name}.default", $"default {Short(value)} is not of type {param.Type}");
            }
        }

        private Dictionary<string, int> CheckActivityIds()
        {
            var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < definition.Activities.Count; i++)
            {
                var id = definition.Activities[i].Id;
                if (!indexById.TryAdd(id, i))
                    Add($"$.activities[{i}].id", $"duplicate activity id '{id}' (first used at $.activities[{indexById[id]}])");
            }
            return indexById;
        }

        private void CheckEdges(Dictionary<string, int> indexById)
        {
            for (var i = 0; i < definition.Edges.Count; i++)
            {
                var edge = definition.Edges[i];
                if (!indexById.ContainsKey(edge.From))
                    Add($"$.edges[{i}].from", $"edge from unknown activity '{edge.From}'");
                if (!indexById.ContainsKey(edge.To))
                    Add($"$.edges[{i}].to", $"edge to unknown activity '{edge.To}'");
                if (edge.From == edge.To)
                    Add($"$.edges[{i}]", $"activity '{edge.From}' cannot depend on itself");
                var first = definition.Edges.FindIndex(e => e.From == edge.From && e.To == edge.To);
                if (first < i)
                    Add($"$.edges[{i}]", $"duplicate edge '{edge.From}' -> '{edge.To}' (first at $.edges[{first}])");
            }

            if (DependencyGraph.FindCycle(definition) is { } cycle)
                Add("$.edges", $"cycle: {string.Join(" -> ", cycle)}");
        }

        private Dictionary<string, HashSet<string>> Ancestors(Dictionary<string, int> indexById)
        {
            var parents = definition.Edges
                .Where(e => indexById.ContainsKey(e.From) && indexById.ContainsKey(e.To))
                .GroupBy(e => e.To)
                .ToDictionary(g => g.Key, g => g.Select(e => e.From).ToList());
            var result = new Dictionary<string, HashSet<string>>();
            foreach (var id in indexById.Keys)
            {
                var seen = new HashSet<string>();
                var stack = new Stack<string>([id]);
                while (stack.TryPop(out var current))
                    foreach (var parent in parents.GetValueOrDefault(current) ?? [])
                        if (seen.Add(parent)) stack.Push(parent);
                result[id] = seen;
            }
            return result;
        }

        /// <summary>Each edge's <c>when</c> parses and refers to params, run fields or outputs upstream of its target.</summary>
        private void CheckConditions(Dictionary<string, int> indexById, Dictionary<string, HashSet<string>> ancestors)
        {
            for (var i = 0; i < definition.Edges.Count; i++)
            {
                var edge = definition.Edges[i];
                if (edge.When is not { } when || !indexById.ContainsKey(edge.To)) continue;
                var path = $"$.edges[{i}].when";
                if (!BranchCondition.TryParse(when, out var condition, out var error))
                {
                    Add(path, error!);
                    continue;
                }
                foreach (var reference in condition!.References)
                    ReferenceKind(path, reference, edge.To, ancestors[edge.To], indexById, mapped: false);
            }
        }

        /// <summary>A mapped activity's list: one reference to an array (or to a value whose type is only known at run time).</summary>
        private void CheckMap(string path, ActivityNode node, Dictionary<string, int> indexById, HashSet<string> upstream)
        {
            if (node.Map is not { } map)
            {
                if (node.MaxParallel is not null)
                    Add($"{path}.maxParallel", $"maxParallel applies to mapped activities only: add 'map' to '{node.Id}' or remove maxParallel");
                return;
            }
            if (!TemplateExpression.TryParse(map, out var expression, out var error) || !expression.IsSingleReference)
            {
                Add($"{path}.map", error ?? $"map '{map}' must be exactly one reference to a list, e.g. {{{{ params.books }}}}");
                return;
            }
            var kind = ReferenceKind($"{path}.map", expression.References[0], node.Id, upstream, indexById, mapped: false);
            if (kind is { } k && k is not (ValueKind.Array or ValueKind.Any))
                Add($"{path}.map", $"'{map}' is of type {k.Name()}; map needs a list");
        }

        /// <summary><c>sensor</c> belongs to sensor types only; its durations parse, and the timeout allows at least one more poke.</summary>
        private void CheckSensor(string path, ActivityNode node, ActivityDescriptor descriptor)
        {
            if (node.Sensor is not { } sensor) return;
            if (!descriptor.IsSensor)
            {
                var sensors = string.Join(", ", registry.All.Where(a => a.IsSensor).Select(a => a.Type).Order());
                Add($"{path}.sensor", $"{descriptor.Type} is not a sensor, so it takes no 'sensor' settings (sensors: {sensors})");
                return;
            }
            TimeSpan poke = SensorDefinition.DefaultPokeInterval, timeout = SensorDefinition.DefaultTimeout;
            var valid = true;
            if (sensor.PokeInterval is { } p && (!DefinitionJson.TryParseDuration(p, out poke) || poke == TimeSpan.Zero))
            {
                Add($"{path}.sensor.pokeInterval", $"pokeInterval '{p}' must be a positive duration (hh:mm:ss[.fff])");
                valid = false;
            }
            if (sensor.Timeout is { } t && (!DefinitionJson.TryParseDuration(t, out timeout) || timeout == TimeSpan.Zero))
            {
                Add($"{path}.sensor.timeout", $"timeout '{t}' must be a positive duration ([d.]hh:mm:ss)");
                valid = false;
            }
            if (valid && timeout < poke)
                Add($"{path}.sensor.timeout", $"timeout {timeout} is shorter than pokeInterval {poke}: the sensor would give up before its second poke");
        }

        private void CheckActivity(int index, Dictionary<string, int> indexById, Dictionary<string, HashSet<string>> ancestors)
        {
            var node = definition.Activities[index];
            var path = $"$.activities[{index}]";
            CheckMap(path, node, indexById, ancestors[node.Id]);
            if (node.Timeout is { } timeout && (!DefinitionJson.TryParseDuration(timeout, out var span) || span == TimeSpan.Zero))
                Add($"{path}.timeout", $"timeout '{timeout}' must be a positive duration (hh:mm:ss[.fff])");
            if (node.Retry is { } retry && !DefinitionJson.TryParseDuration(retry.Backoff, out _))
                Add($"{path}.retry.backoff", $"backoff '{retry.Backoff}' is not a duration (hh:mm:ss[.fff])");
            for (var i = 0; i < (node.Produces?.Count ?? 0); i++)
            {
                if (!AssetNames.IsValid(node.Produces![i]))
                    Add($"{path}.produces[{i}]", $"'{node.Produces[i].ReplaceLineEndings(" ")}' is not an asset name: {AssetNames.Rule}");
                else if (node.Produces.IndexOf(node.Produces[i]) != i)
                    Add($"{path}.produces[{i}]", $"asset '{node.Produces[i]}' is listed twice");
            }

            var descriptor = registry.Find(node.Type);
            if (descriptor is null)
            {
                var known = string.Join(", ", registry.All.Select(a => a.Type).Order());
                Add($"{path}.type", $"unknown activity type '{node.Type}' (known: {known})");
                return;
            }

            CheckSensor(path, node, descriptor);
            foreach (var input in descriptor.Inputs.Where(i => i.Required && !node.Inputs.ContainsKey(i.Name)))
                Add($"{path}.inputs", $"missing required input '{input.Name}' of {descriptor.Type}");

            foreach (var (name, value) in node.Inputs)
            {
                var input = descriptor.Inputs.FirstOrDefault(i => i.Name == name);
                if (input is null)
                {
                    Add($"{path}.inputs.{name}", $"{descriptor.Type} has no input '{name}' (inputs: {string.Join(", ", descriptor.Inputs.Select(i => i.Name))})");
                    continue;
                }
                CheckValue($"{path}.inputs.{name}", value, input.Kind, node, ancestors[node.Id], indexById);
            }
        }

        /// <summary>Checks a literal's type, or each reference inside it (recursing into arrays and objects).</summary>
        private void CheckValue(string path, JsonElement value, ValueKind expected, ActivityNode node, HashSet<string> upstream, Dictionary<string, int> indexById)
        {
            if (value.ValueKind == JsonValueKind.String && TemplateExpression.ContainsReference(value.GetString()!))
            {
                if (!TemplateExpression.TryParse(value.GetString()!, out var expression, out var error))
                {
                    Add(path, error!);
                    return;
                }
                foreach (var reference in expression.References)
                {
                    var kind = ReferenceKind(path, reference, node.Id, upstream, indexById, mapped: node.Map is not null);
                    var effective = expression.IsSingleReference ? kind : ValueKind.String;
                    if (kind is { } && effective is { } k && !ValueKinds.IsAssignable(k, expected))
                        Add(path, $"'{{{{ {reference} }}}}' is of type {k.Name()} but the input expects {expected.Name()}");
                }
                return;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.Array:
                    if (expected is not (ValueKind.Array or ValueKind.Any)) break;
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                        CheckValue($"{path}[{i++}]", item, ValueKind.Any, node, upstream, indexById);
                    return;
                case JsonValueKind.Object:
                    if (expected is not (ValueKind.Object or ValueKind.Any)) break;
                    foreach (var property in value.EnumerateObject())
                        CheckValue($"{path}.{property.Name}", property.Value, ValueKind.Any, node, upstream, indexById);
                    return;
            }

            if (value.ValueKind != JsonValueKind.Null && !ValueKinds.Matches(value, expected))
                Add(path, $"{Short(value)} is not of type {expected.Name()}");
        }

        private ValueKind? ReferenceKind(string path, ExpressionReference reference, string activityId, HashSet<string> upstream, Dictionary<string, int> indexById, bool mapped)
        {
            if (reference.Root == TemplateExpression.OutputsRoot && indexById.TryGetValue(activityId, out var own)
                && definition.Activities[own].TriggerRule == TriggerRule.Always && !path.Contains(".edges[", StringComparison.Ordinal))
            {
                Add(path, $"'{activityId}' has triggerRule always, so it starts with the run, before any upstream has outputs: use all_done to wait for them");
                return null;
            }
            switch (reference.Root)
            {
                case TemplateExpression.ItemRoot or TemplateExpression.MapIndexRoot when !mapped:
                    Add(path, $"'{{{{ {reference} }}}}' exists only in the inputs of a mapped activity: give '{activityId}' a 'map'");
                    return null;
                case TemplateExpression.ItemRoot:
                    return ValueKind.Any;
                case TemplateExpression.MapIndexRoot when reference.Path.Count == 0:
                    return ValueKind.Integer;

                case TemplateExpression.OutputsRoot when reference.Path.Count == 1
                    && indexById.TryGetValue(reference.Path[0], out var mappedIndex) && definition.Activities[mappedIndex].Map is not null:
                    if (!upstream.Contains(reference.Path[0]))
                    {
                        Add(path, $"'{reference.Path[0]}' is not upstream of '{activityId}': add an edge from '{reference.Path[0]}' so its outputs exist when '{activityId}' runs");
                        return null;
                    }
                    return ValueKind.Array;

                case TemplateExpression.ParamsRoot when reference.Path.Count >= 1 && reference.Path[0] == Execution.AssetRunParams.Name && definition.TriggerAssets.Count > 0:
                    return reference.Path.Count == 1 ? ValueKind.Object : ValueKind.Any;

                case TemplateExpression.ParamsRoot when reference.Path.Count >= 1:
                    if (!definition.Params.TryGetValue(reference.Path[0], out var param))
                    {
                        Add(path, $"reference to unknown param '{reference.Path[0]}' (params: {string.Join(", ", definition.Params.Keys)})");
                        return null;
                    }
                    return reference.Path.Count == 1 && ValueKinds.TryParse(param.Type, out var kind) ? kind : ValueKind.Any;

                case TemplateExpression.OutputsRoot when reference.Path.Count >= 2:
                    var source = reference.Path[0];
                    if (!indexById.TryGetValue(source, out var sourceIndex))
                    {
                        Add(path, $"reference to unknown activity '{source}'");
                        return null;
                    }
                    if (!upstream.Contains(source))
                    {
                        Add(path, $"'{source}' is not upstream of '{activityId}': add an edge from '{source}' so its outputs exist when '{activityId}' runs");
                        return null;
                    }
                    var sourceDescriptor = registry.Find(definition.Activities[sourceIndex].Type);
                    if (sourceDescriptor is null) return null;
                    var output = sourceDescriptor.Outputs.FirstOrDefault(o => o.Name == reference.Path[1]);
                    if (output is null)
                    {
                        Add(path, $"{sourceDescriptor.Type} ('{source}') has no output '{reference.Path[1]}' (outputs: {string.Join(", ", sourceDescriptor.Outputs.Select(o => o.Name))})");
                        return null;
                    }
                    // A mapped activity's output is the list of its instances' outputs.
                    if (definition.Activities[sourceIndex].Map is not null) return ValueKind.Array;
                    return reference.Path.Count == 2 ? output.Kind : ValueKind.Any;

                case TemplateExpression.RunRoot when reference.Path.Count == 1:
                    if (TemplateExpression.RunFields.TryGetValue(reference.Path[0], out var runKind)) return runKind;
                    Add(path, $"unknown run field '{reference.Path[0]}' (fields: {string.Join(", ", TemplateExpression.RunFields.Keys)})");
                    return null;

                default:
                    Add(path, $"unknown reference '{{{{ {reference} }}}}': use params.<name>, outputs.<activity>.<output>, run.<field>, or item and mapIndex in a mapped activity");
                    return null;
            }
        }

        private static string Short(JsonElement value)
        {
            var text = value.GetRawText();
            return text.Length > 40 ? text[..37] + "..." : text;
        }
    }
}
