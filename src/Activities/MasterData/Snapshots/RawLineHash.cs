using System.IO.Hashing;

namespace BitsoWorkflows.Activities.MasterData.Snapshots;

/// <summary>
/// A stable 64-bit hash (XXH3) of a raw CSV line's or field's bytes. Exact duplicates are rows with the same id and the
/// same hash, so a collision would also need equal ids; the staging tables stay narrow instead of carrying every raw
/// line. It runs for every line of every file, so it is the vectorized XXH3 rather than a byte-at-a-time hash (FNV-1a
/// took 0.35–0.4 s of the 5 million events' staging).
/// </summary>
internal static class RawLineHash
{
    public static long Of(ReadOnlySpan<byte> line) => unchecked((long)XxHash3.HashToUInt64(line));
}
