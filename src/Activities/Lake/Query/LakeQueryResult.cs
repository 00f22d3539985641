namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// The rows of a query over the lake. Values are plain CLR values: string, bool, integers (long, BigInteger),
/// decimal, double, <see cref="DateTimeOffset"/> (UTC) for timestamps with time zone, <see cref="DateTime"/> for
/// timestamps without, <see cref="DateOnly"/>, lists and dictionaries for nested types, null for NULL.
/// </summary>
/// <param name="Truncated">More rows matched than a limit lets through; only the first ones are here, and <see cref="TruncatedBy"/> names the limit.</param>
public sealed record LakeQueryResult(IReadOnlyList<LakeQueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated)
{
    /// <summary>The setting that cut the result (<c>Lake:MaxRows</c> or <c>Lake:MaxResultBytes</c>), or null when it is whole.</summary>
    public string? TruncatedBy { get; init; }
}
