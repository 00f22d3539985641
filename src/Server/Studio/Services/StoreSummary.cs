using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// What the data page shows of what exists today: the workflow store (runs per workflow and status, by GROUP BY) and
/// the data dir's folders (files, bytes, newest write) — where the lake and warehouse put their files.
/// </summary>
public sealed class StoreSummary(IDbContextFactory<WorkflowDbContext> contexts, WorkflowStoreFactory store, DataDirectory data)
{
    public string Provider => store.Provider;

    public string DataRoot => data.Root;

    /// <summary>Run counts per workflow and status, with the newest logical time of each workflow.</summary>
    public async Task<IReadOnlyList<WorkflowRunCounts>> RunCountsAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var rows = await db.Runs.GroupBy(r => new { r.WorkflowId, r.Status })
            .Select(g => new { g.Key.WorkflowId, g.Key.Status, Count = g.Count(), Newest = g.Max(r => r.LogicalTime) })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.WorkflowId)
            .Select(g => new WorkflowRunCounts(
                g.Key,
                g.ToDictionary(r => r.Status, r => r.Count),
                new DateTimeOffset(DateTime.SpecifyKind(g.Max(r => r.Newest), DateTimeKind.Utc))))
            .OrderBy(c => c.WorkflowId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Each folder under the data dir, down to <paramref name="depth"/> levels, with its files' count, size and newest write.</summary>
    public IReadOnlyList<DataFolder> Folders(int depth = 3)
    {
        var result = new List<DataFolder>();
        var root = new DirectoryInfo(data.Root);
        if (!root.Exists) return result;
        Visit(root, 0);
        return result;

        void Visit(DirectoryInfo folder, int level)
        {
            var files = folder.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).ToList();
            result.Add(new DataFolder(
                Path.GetRelativePath(root.FullName, folder.FullName).Replace('\\', '/'),
                files.Count,
                files.Sum(f => f.Length),
                files.Count == 0 ? null : new DateTimeOffset(files.Max(f => f.LastWriteTimeUtc), TimeSpan.Zero),
                folder.EnumerateFiles().Select(f => f.Name).Order(StringComparer.Ordinal).Take(20).ToList()));
            if (level >= depth) return;
            foreach (var child in folder.EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
                Visit(child, level + 1);
        }
    }
}
