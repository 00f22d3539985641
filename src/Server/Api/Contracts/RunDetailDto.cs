namespace BitsoWorkflows.Server.Api.Contracts;

/// <summary>A run with every activity attempt.</summary>
public sealed record RunDetailDto(RunDto Run, IReadOnlyList<ActivityAttemptDto> Activities);
