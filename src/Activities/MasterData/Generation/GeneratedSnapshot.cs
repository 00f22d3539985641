namespace BitsoWorkflows.Activities.MasterData.Generation;

/// <summary>What the generator wrote: the folder, and how many rows of each kind of dirt it injected.</summary>
public sealed record GeneratedSnapshot(string Directory, IReadOnlyDictionary<string, long> Dirt);
