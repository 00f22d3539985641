namespace BitsoWorkflows.Activities.MarketData.Bitso;

/// <summary>A failed Bitso call as data: its kind, a message, Bitso's error code and HTTP status when known.</summary>
public sealed record BitsoError(BitsoErrorKind Kind, string Message, string? Code = null, int? HttpStatus = null)
{
    public override string ToString() =>
        $"{Kind}: {Message}{(Code is null ? "" : $" (code {Code})")}{(HttpStatus is null ? "" : $" [HTTP {HttpStatus}]")}";
}
