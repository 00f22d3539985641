namespace BitsoWorkflows.Activities.Lake;

/// <summary>
/// The rows of a query over the lake. Values are plain CLR values: string, bool, integers (long, BigInteger),
/// decimal, double, <see cref="DateTimeOffset"/> (UTC) for timestamps with time zone, <see cref="DateTime"/> for
/// timestamps without, <see cref="DateOnly"/>, lists and dictionaries for nested types, null for NULL.
/// </summary>
/// <param name="Truncated">More rows than <see cref="LakeOptions.MaxRows"/> matched; only the first ones are here.</param>
public sealed record LakeQueryResult(IReadOnlyList<LakeQueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated);
