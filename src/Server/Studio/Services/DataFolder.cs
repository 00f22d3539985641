namespace BitsoWorkflows.Server.Studio.Services;

/// <summary>A folder of the data dir: its path relative to the root, files below it, bytes, newest write, and its own first files.</summary>
public sealed record DataFolder(string Path, int Files, long Bytes, DateTimeOffset? NewestWrite, IReadOnlyList<string> OwnFiles);
