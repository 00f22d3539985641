namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>Marks a finished run, or one of its activities when <see cref="Activity"/> is set, <c>succeeded</c> or <c>failed</c>; the reason is required.</summary>
public sealed record RunMarkRequest(string? Status, string? Reason, string? Activity = null);
