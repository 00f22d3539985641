using BitsoWorkflows.Engine.Hosting;
using BitsoWorkflows.Engine.Persistence;

namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>
/// What the data page shows of what exists today: the workflow store (runs per workflow and status, by GROUP BY) and
/// the data dir's folders (files, bytes, newest write) — where the lake and warehouse put their files.
/// </summary>
public sealed class StoreSummary(RunHistory history, WorkflowStoreFactory store, DataDirectory data)
{
    public string Provider => store.Provider;

    public string DataRoot => data.Root;

    /// <summary>Run counts per workflow and status, with the newest logical time of each workflow.</summary>
    public async Task<IReadOnlyList<WorkflowRunCounts>> RunCountsAsync(CancellationToken cancellationToken)
    {
        var rows = await history.CountsPerWorkflowAsync(cancellationToken);
        return rows.GroupBy(r => r.WorkflowId)
            .Select(g => new WorkflowRunCounts(g.Key, g.ToDictionary(r => r.Status, r => r.Count), g.Max(r => r.Newest)))
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

        // One walk: each file is listed once, in its own folder, and a folder's totals are its files plus its children's.
        (int Files, long Bytes, DateTime? Newest) Visit(DirectoryInfo folder, int level)
        {
            var slot = level <= depth ? result.Count : -1;
            if (slot >= 0) result.Add(null!);
            var own = folder.EnumerateFiles("*", new EnumerationOptions { IgnoreInaccessible = true }).ToList();
            var (files, bytes, newest) = (own.Count, own.Sum(f => f.Length), own.Count == 0 ? (DateTime?)null : own.Max(f => f.LastWriteTimeUtc));
            foreach (var child in folder.EnumerateDirectories("*", new EnumerationOptions { IgnoreInaccessible = true }).OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                var (childFiles, childBytes, childNewest) = Visit(child, level + 1);
                (files, bytes) = (files + childFiles, bytes + childBytes);
                if (childNewest > newest || newest is null) newest = childNewest ?? newest;
            }
            if (slot >= 0)
            {
                result[slot] = new DataFolder(
                    Path.GetRelativePath(root.FullName, folder.FullName).Replace('\\', '/'),
                    files,
                    bytes,
                    newest is { } n ? new DateTimeOffset(n, TimeSpan.Zero) : null,
                    own.Select(f => f.Name).Order(StringComparer.Ordinal).Take(20).ToList());
            }
            return (files, bytes, newest);
        }
    }
}
