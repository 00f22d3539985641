namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// A stable 64-bit FNV-1a hash of a raw CSV line's bytes. Exact duplicates are rows with the same id and the same hash,
/// so a collision would also need equal ids; the staging tables stay narrow instead of carrying every raw line.
/// </summary>
internal static class RawLineHash
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static long Of(ReadOnlySpan<byte> line)
    {
        var hash = OffsetBasis;
        foreach (var b in line)
            hash = (hash ^ b) * Prime;
        return unchecked((long)hash);
    }
}
