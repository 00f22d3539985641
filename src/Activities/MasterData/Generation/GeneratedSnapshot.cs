namespace BitsoWorkflows.Activities.MasterData.Generation;

/// <summary>What the generator wrote: the folder, the data lines per file, and how many rows of each kind of dirt it injected.</summary>
public sealed record GeneratedSnapshot(string Directory, DateTimeOffset End, IReadOnlyDictionary<string, long> Lines, IReadOnlyDictionary<string, long> Dirt);
