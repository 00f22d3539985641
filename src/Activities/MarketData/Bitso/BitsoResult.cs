using System.Diagnostics.CodeAnalysis;

namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>Either a value or a <see cref="BitsoError"/>; Bitso failures never escape as exceptions.</summary>
public sealed record BitsoResult<T>
    where T : class
{
    private BitsoResult(T? value, BitsoError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public BitsoError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static BitsoResult<T> Success(T value) => new(value, null);

    public static BitsoResult<T> Failure(BitsoError error) => new(null, error);
}
