using System.Security.Cryptography;
using System.Text;
using BitsoWorkflows.Engine.Definitions;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Engine.Persistence;

/// <summary>
/// The append-only version history of workflow definitions and each workflow's state (published version, paused).
/// Every publish or revert appends a version; nothing is rewritten.
/// </summary>
public sealed class DefinitionStore(IDbContextFactory<WorkflowDbContext> contexts, TimeProvider time)
{
    /// <summary>Raised after a workflow's published version or paused flag changed (argument: workflow id).</summary>
    public event Action<string>? WorkflowChanged;

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Imports a file's definition as a new published version, unless the file is unchanged since it was last
    /// imported — so a version published later from the Studio is not overwritten by an unchanged file.
    /// </summary>
    /// <returns>The new version, or null when the file was unchanged.</returns>
    public async Task<DefinitionVersionRecord?> ImportFileAsync(WorkflowDefinition definition, string fileText, CancellationToken cancellationToken)
    {
        var fileHash = Hash(fileText);
        await using var db = contexts.CreateDbContext();
        var state = await db.WorkflowStates.FirstOrDefaultAsync(s => s.WorkflowId == definition.Id, cancellationToken);
        if (state?.LastImportedFileHash == fileHash)
            return null;
        return await AppendAsync(definition, DefinitionState.Published, "file", null, fileHash, cancellationToken);
    }

    /// <summary>Appends a published version: triggers run it from now on.</summary>
    public Task<DefinitionVersionRecord> PublishAsync(WorkflowDefinition definition, string origin, string? comment, CancellationToken cancellationToken) =>
        AppendAsync(definition, DefinitionState.Published, origin, comment, null, cancellationToken);

    /// <summary>Appends a draft version: kept in history, not run.</summary>
    public Task<DefinitionVersionRecord> SaveDraftAsync(WorkflowDefinition definition, string origin, string? comment, CancellationToken cancellationToken) =>
        AppendAsync(definition, DefinitionState.Draft, origin, comment, null, cancellationToken);

    /// <summary>Publishes the content of an older version as a new version.</summary>
    public Task<DefinitionVersionRecord> RevertAsync(string workflowId, int version, CancellationToken cancellationToken) =>
        RepublishAsync(workflowId, version, "revert", $"revert to version {version}", cancellationToken);

    /// <summary>Publishes a draft's content as a new version (history stays append-only: the draft remains a draft).</summary>
    public Task<DefinitionVersionRecord> PublishDraftAsync(string workflowId, int version, CancellationToken cancellationToken) =>
        RepublishAsync(workflowId, version, "draft", $"publish draft {version}", cancellationToken);

    private async Task<DefinitionVersionRecord> RepublishAsync(string workflowId, int version, string origin, string comment, CancellationToken cancellationToken)
    {
        var old = await GetVersionAsync(workflowId, version, cancellationToken)
            ?? throw new KeyNotFoundException($"Workflow '{workflowId}' has no version {version}.");
        var definition = System.Text.Json.JsonSerializer.Deserialize<WorkflowDefinition>(old.Json, DefinitionJson.Options)!;
        return await AppendAsync(definition, DefinitionState.Published, origin, comment, null, cancellationToken);
    }

    public async Task<IReadOnlyList<DefinitionVersionRecord>> HistoryAsync(string workflowId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.DefinitionVersions.Where(v => v.WorkflowId == workflowId).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
    }

    public async Task<DefinitionVersionRecord?> GetVersionAsync(string workflowId, int version, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.DefinitionVersions.FirstOrDefaultAsync(v => v.WorkflowId == workflowId && v.Version == version, cancellationToken);
    }

    public async Task<WorkflowStateRecord?> GetStateAsync(string workflowId, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.WorkflowStates.FirstOrDefaultAsync(s => s.WorkflowId == workflowId, cancellationToken);
    }

    public async Task<IReadOnlyList<WorkflowStateRecord>> ListStatesAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        return await db.WorkflowStates.OrderBy(s => s.WorkflowId).ToListAsync(cancellationToken);
    }

    /// <summary>Pauses or resumes a workflow; persisted, so it survives restarts.</summary>
    /// <returns>False when the workflow is unknown.</returns>
    public async Task<bool> SetPausedAsync(string workflowId, bool paused, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var updated = await db.WorkflowStates.Where(s => s.WorkflowId == workflowId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.IsPaused, paused), cancellationToken);
        if (updated > 0) WorkflowChanged?.Invoke(workflowId);
        return updated > 0;
    }

    /// <summary>Records the newest logical time the scheduler started, so catch-up after a restart knows where to begin.</summary>
    public async Task MarkScheduledAsync(string workflowId, DateTimeOffset logicalTime, CancellationToken cancellationToken)
    {
        var value = logicalTime.UtcDateTime;
        await using var db = contexts.CreateDbContext();
        await db.WorkflowStates.Where(s => s.WorkflowId == workflowId && (s.LastScheduledLogicalTime == null || s.LastScheduledLogicalTime < value))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastScheduledLogicalTime, value), cancellationToken);
    }

    private async Task<DefinitionVersionRecord> AppendAsync(WorkflowDefinition definition, DefinitionState state, string origin, string? comment, string? fileHash, CancellationToken cancellationToken)
    {
        var json = definition.ToJson();
        var now = time.GetUtcNow().UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            await using var db = contexts.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var last = await db.DefinitionVersions.Where(v => v.WorkflowId == definition.Id).MaxAsync(v => (int?)v.Version, cancellationToken) ?? 0;
            var record = new DefinitionVersionRecord
            {
                WorkflowId = definition.Id,
                Version = last + 1,
                Json = json,
                ContentHash = Hash(json),
                State = state,
                Origin = origin,
                Comment = comment,
                CreatedAt = now,
            };
            db.DefinitionVersions.Add(record);

            var workflowState = await db.WorkflowStates.AsTracking().FirstOrDefaultAsync(s => s.WorkflowId == definition.Id, cancellationToken);
            if (workflowState is null)
            {
                workflowState = new WorkflowStateRecord { WorkflowId = definition.Id, FirstPublishedAt = now };
                db.WorkflowStates.Add(workflowState);
            }
            if (state == DefinitionState.Published)
                workflowState.PublishedVersion = record.Version;
            if (fileHash is not null)
                workflowState.LastImportedFileHash = fileHash;

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                continue; // Another writer took this version number; number again.
            }

            if (state == DefinitionState.Published) WorkflowChanged?.Invoke(definition.Id);
            return record;
        }
    }
}
