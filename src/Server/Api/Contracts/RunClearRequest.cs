namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>Clears an activity of a finished run, and every activity after it when <see cref="Downstream"/> is true.</summary>
public sealed record RunClearRequest(string? Activity, bool Downstream = false);
