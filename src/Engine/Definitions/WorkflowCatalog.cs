using System.Collections.Concurrent;
using System.Text.Json;
using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BitsoWorkflows.Engine.Definitions;

/// <summary>
/// The definitions the engine runs: imported from the workflows folder, published through the API, read back from
/// the store (the latest published version of each). Parsed versions are cached; the store is the truth.
/// </summary>
public sealed partial class WorkflowCatalog
{
    /// <summary>How long a published version and pause state read from the store is reused (changes made in this process show at once).</summary>
    public static readonly TimeSpan PublishedCacheTime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Id, int Version), WorkflowDefinition> _parsed = new();
    private readonly ConcurrentDictionary<string, (PublishedWorkflow? Workflow, DateTimeOffset ReadAt)> _published = new();
    private readonly DefinitionStore _store;
    private readonly WorkflowDefinitionValidator _validator;
    private readonly TimeProvider _time;
    private readonly IOptions<EngineOptions> _options;
    private readonly ILogger<WorkflowCatalog> _logger;

    public WorkflowCatalog(DefinitionStore store, WorkflowDefinitionValidator validator, TimeProvider time, IOptions<EngineOptions> options, ILogger<WorkflowCatalog> logger)
    {
        _store = store;
        _validator = validator;
        _time = time;
        _options = options;
        _logger = logger;
        store.WorkflowChanged += id => _published.TryRemove(id, out _);
    }

    public DefinitionStore Store => _store;

    /// <summary>
    /// Validates and imports every <c>*.json</c> file of the workflows folder (but the schema). A bad file is
    /// reported and skipped; the others still load. A file becomes a new version only when it changed.
    /// </summary>
    public async Task<IReadOnlyList<FileImportResult>> ImportDirectoryAsync(CancellationToken cancellationToken, string? directory = null)
    {
        directory ??= _options.Value.WorkflowsDirectory;
        var results = new List<FileImportResult>();
        if (!Directory.Exists(directory))
        {
            LogNoDirectory(_logger, directory);
            return results;
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file, cancellationToken);
            }
            // Listed but not readable (a link whose target is gone, a file an editor is replacing, no permission): that
            // file's problem, reported like an invalid one; the others still load, and the next look tries it again.
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var error = new ValidationError(name, "$", $"the file cannot be read: {ex.Message}");
                LogInvalid(_logger, error.ToString());
                results.Add(new FileImportResult(name, null, null, [error]));
                continue;
            }
            var validation = _validator.Validate(text, name);
            if (!validation.IsValid)
            {
                foreach (var error in validation.Errors) LogInvalid(_logger, error.ToString());
                results.Add(new FileImportResult(name, null, null, validation.Errors));
                continue;
            }
            var definition = validation.Definition!;
            if (seen.TryGetValue(definition.Id, out var first))
            {
                var error = new ValidationError(name, "$.id", $"duplicate workflow id '{definition.Id}' (also defined in {first})");
                LogInvalid(_logger, error.ToString());
                results.Add(new FileImportResult(name, definition.Id, null, [error]));
                continue;
            }
            seen[definition.Id] = name;
            if (await CallCyclesAsync(definition, cancellationToken) is { Count: > 0 } cycles)
            {
                var errors = cycles.Select(c => c with { File = name }).ToList();
                foreach (var error in errors) LogInvalid(_logger, error.ToString());
                results.Add(new FileImportResult(name, definition.Id, null, errors));
                continue;
            }
            var version = await _store.ImportFileAsync(definition, text, cancellationToken);
            if (version is not null) LogImported(_logger, definition.Id, version.Version, name);
            results.Add(new FileImportResult(name, definition.Id, version?.Version, []));
        }
        return results;
    }

    /// <summary>Validates JSON and publishes it as a new version; returns the errors instead when it is not valid.</summary>
    public Task<PublishResult> PublishAsync(string json, string origin, string? comment, CancellationToken cancellationToken, string? expectedId = null) =>
        AppendAsync(json, expectedId, definition => _store.PublishAsync(definition, origin, comment, cancellationToken), publishing: true, cancellationToken);

    /// <summary>Validates JSON and keeps it as a draft version (not run); returns the errors instead when it is not valid.</summary>
    public Task<PublishResult> SaveDraftAsync(string json, string origin, string? comment, CancellationToken cancellationToken, string? expectedId = null) =>
        AppendAsync(json, expectedId, definition => _store.SaveDraftAsync(definition, origin, comment, cancellationToken), publishing: false, cancellationToken);

    private async Task<PublishResult> AppendAsync(string json, string? expectedId, Func<WorkflowDefinition, Task<DefinitionVersionRecord>> append, bool publishing, CancellationToken cancellationToken)
    {
        var validation = _validator.Validate(json);
        if (!validation.IsValid) return new PublishResult(null, validation.Errors);
        var definition = validation.Definition!;
        if (expectedId is not null && definition.Id != expectedId)
            return new PublishResult(null, [new ValidationError(null, "$.id", $"id '{definition.Id}' does not match the workflow '{expectedId}' being edited")]);
        if (publishing && await CallCyclesAsync(definition, cancellationToken) is { Count: > 0 } cycles)
            return new PublishResult(null, cycles);
        return new PublishResult(await append(definition), []);
    }

    /// <summary>The cycles between workflows publishing this definition would close (<see cref="WorkflowCalls"/>).</summary>
    private async Task<IReadOnlyList<ValidationError>> CallCyclesAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        if (!WorkflowCalls.Of(definition).Any()) return [];
        var published = await ListPublishedAsync(cancellationToken);
        return WorkflowCalls.Cycles(definition, published.Select(p => p.Definition));
    }

    /// <summary>The latest published version of a workflow and its state, or null when there is none.</summary>
    /// <remarks>Read on every fire of the per-second workflow, so it is cached briefly; changes from other processes show within <see cref="PublishedCacheTime"/>.</remarks>
    public async Task<PublishedWorkflow?> GetPublishedAsync(string workflowId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_published.TryGetValue(workflowId, out var cached) && now - cached.ReadAt < PublishedCacheTime)
            return cached.Workflow;
        var workflow = await ReadPublishedAsync(workflowId, cancellationToken);
        _published[workflowId] = (workflow, now);
        return workflow;
    }

    private async Task<PublishedWorkflow?> ReadPublishedAsync(string workflowId, CancellationToken cancellationToken)
    {
        var state = await _store.GetStateAsync(workflowId, cancellationToken);
        if (state is null || state.PublishedVersion == 0) return null;
        var definition = await GetVersionAsync(workflowId, state.PublishedVersion, cancellationToken);
        return definition is null ? null : new PublishedWorkflow(definition, state.PublishedVersion, state);
    }

    public async Task<IReadOnlyList<PublishedWorkflow>> ListPublishedAsync(CancellationToken cancellationToken)
    {
        var result = new List<PublishedWorkflow>();
        foreach (var state in await _store.ListStatesAsync(cancellationToken))
        {
            if (state.PublishedVersion == 0) continue;
            if (await GetVersionAsync(state.WorkflowId, state.PublishedVersion, cancellationToken) is { } definition)
                result.Add(new PublishedWorkflow(definition, state.PublishedVersion, state));
        }
        return result;
    }

    /// <summary>A stored version parsed back into a definition (cached: versions never change).</summary>
    public async Task<WorkflowDefinition?> GetVersionAsync(string workflowId, int version, CancellationToken cancellationToken)
    {
        if (_parsed.TryGetValue((workflowId, version), out var cached)) return cached;
        var record = await _store.GetVersionAsync(workflowId, version, cancellationToken);
        if (record is null) return null;
        var definition = JsonSerializer.Deserialize<WorkflowDefinition>(record.Json, DefinitionJson.Options)!;
        _parsed[(workflowId, version)] = definition;
        return definition;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflows folder {Directory} does not exist; no workflow files imported")]
    private static partial void LogNoDirectory(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invalid workflow definition: {Error}")]
    private static partial void LogInvalid(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported workflow {WorkflowId} as version {Version} from {File}")]
    private static partial void LogImported(ILogger logger, string workflowId, int version, string file);
}

/// <summary>What importing one file did: the new version (null when unchanged or invalid) or its errors.</summary>
public sealed record FileImportResult(string File, string? WorkflowId, int? NewVersion, IReadOnlyList<ValidationError> Errors);

/// <summary>The new version, or the validation errors that prevented it.</summary>
public sealed record PublishResult(DefinitionVersionRecord? Version, IReadOnlyList<ValidationError> Errors);

/// <summary>A workflow as it runs now: its latest published definition and its state.</summary>
public sealed record PublishedWorkflow(WorkflowDefinition Definition, int Version, WorkflowStateRecord State);
