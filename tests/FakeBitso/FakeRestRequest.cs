namespace BitsoWorkflows.FakeBitso;

/// <summary>A REST request the fake received.</summary>
public sealed record FakeRestRequest(DateTimeOffset At, string PathAndQuery, string? Book, string? Authorization, int Status);
